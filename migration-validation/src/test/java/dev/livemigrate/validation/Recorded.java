package dev.livemigrate.validation;

import com.mongodb.MongoCommandException;
import com.mongodb.ServerAddress;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.SourceSettings;
import dev.livemigrate.Namespace;
import dev.livemigrate.spi.CommandRunner;
import dev.livemigrate.spi.ValidationContext;
import org.bson.BsonDocument;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Command replies recorded in the shapes MongoDB documents, keyed by command name (and database for
 * per-database commands, as {@code dbStats@sales}, or namespace for a command on a collection, as
 * {@code find@config.collections}, which wins over the database's); a command without a reply fails as MongoDB's
 * CommandNotFound does.
 */
final class Recorded implements CommandRunner {

    private final Map<String, BsonDocument> replies = new HashMap<>();

    Recorded reply(String command, String json) {
        replies.put(command, BsonDocument.parse(json));
        return this;
    }

    /** A command the server refuses with {@code reply} ({@code ok: 0}, a code and a message). */
    Recorded refuse(String command, String reply) {
        return reply(command, reply);
    }

    /** The oldest oplog entry, answered to a {@code find} sorted by {@code $natural: 1}. */
    Recorded firstTs(long seconds) {
        return reply("find-ascending", "{cursor: {id: 0, ns: 'local.oplog.rs', firstBatch: [{ts: {$timestamp: {t: " + seconds + ", i: 1}}}]}, ok: 1}");
    }

    @Override
    public BsonDocument run(String database, BsonDocument command) {
        String name = command.getFirstKey();
        if (name.equals("find") && command.isDocument("sort") && command.getDocument("sort").getNumber("$natural").intValue() > 0
                && replies.containsKey("find-ascending")) {
            return replies.get("find-ascending");
        }
        String target = command.isString(name) ? name + "@" + database + "." + command.getString(name).getValue() : "";
        BsonDocument reply = replies.getOrDefault(target, replies.getOrDefault(name + "@" + database, replies.get(name)));
        if (reply != null && reply.isNumber("ok") && reply.getNumber("ok").doubleValue() == 0) {
            throw new MongoCommandException(reply, new ServerAddress());
        }
        if (reply == null) {
            throw new MongoCommandException(BsonDocument.parse("{ok: 0, code: 59, codeName: 'CommandNotFound', errmsg: 'no such command: "
                    + name + "'}"), new ServerAddress());
        }
        return reply;
    }

    static ValidationContext context(Recorded source, Recorded destination, boolean live) {
        return context(source, destination, live, ns -> !ns.isSystem(), List.of());
    }

    /** Every namespace of database {@code from} selected and written to database {@code to}. */
    static ValidationContext renaming(CommandRunner source, CommandRunner destination, String from, String to) {
        return context(source, destination, true, ns -> ns.database().equals(from), List.of(),
                ns -> new Namespace(to, ns.collection()));
    }

    static ValidationContext context(CommandRunner source, CommandRunner destination, boolean live, Predicate<Namespace> selects,
                                     List<String> accessList) {
        return context(source, destination, live, selects, accessList, UnaryOperator.identity());
    }

    /** A live migration of every namespace that clears the destination's namespaces before it writes them. */
    static ValidationContext clearing(CommandRunner source, CommandRunner destination) {
        return context(source, destination, ns -> !ns.isSystem(), List.of(), UnaryOperator.identity(), spec(true).clearDestination(true).build());
    }

    /** A live migration of every namespace from a source named through Ops Manager (the push flow). */
    static ValidationContext opsManager(CommandRunner source) {
        return context(source, new Recorded(), ns -> !ns.isSystem(), List.of(), UnaryOperator.identity(), spec(true)
                .source(SourceSettings.builder().kind("ops-manager").property("projectId", "5e2211c17a3e5a48f5497de3")
                        .property("clusterName", "orders").build()).build());
    }

    private static MigrationSpec.Builder spec(boolean live) {
        return MigrationSpec.builder().source("mongodb://src:27017").destination("mongodb://dst:27017").continuousSync(live);
    }

    /** A context whose selected namespaces are written where {@code target} says. */
    private static ValidationContext context(CommandRunner source, CommandRunner destination, boolean live,
                                             Predicate<Namespace> selects, List<String> accessList, UnaryOperator<Namespace> target) {
        return context(source, destination, selects, accessList, target, spec(live).build());
    }

    private static ValidationContext context(CommandRunner source, CommandRunner destination, Predicate<Namespace> selects,
                                             List<String> accessList, UnaryOperator<Namespace> target, MigrationSpec spec) {
        return new ValidationContext() {
            @Override
            public MigrationSpec spec() {
                return spec;
            }

            @Override
            public CommandRunner source() {
                return source;
            }

            @Override
            public CommandRunner destination() {
                return destination;
            }

            @Override
            public boolean selects(Namespace sourceNamespace) {
                return selects.test(sourceNamespace);
            }

            @Override
            public Optional<Namespace> target(Namespace sourceNamespace) {
                return selects(sourceNamespace) ? Optional.of(target.apply(sourceNamespace)) : Optional.empty();
            }

            @Override
            public List<String> sourceAccessList() {
                return accessList;
            }
        };
    }
}
