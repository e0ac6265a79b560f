package dev.livemigrate.validation;

import com.mongodb.MongoCommandException;
import com.mongodb.ServerAddress;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.Namespace;
import dev.livemigrate.spi.CommandRunner;
import dev.livemigrate.spi.ValidationContext;
import org.bson.BsonDocument;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Command replies recorded in the shapes MongoDB documents, keyed by command name (and database for
 * per-database commands, as {@code dbStats@sales}); a command without a reply fails as MongoDB's
 * CommandNotFound does.
 */
final class Recorded implements CommandRunner {

    private final Map<String, BsonDocument> replies = new HashMap<>();

    Recorded reply(String command, String json) {
        replies.put(command, BsonDocument.parse(json));
        return this;
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
        BsonDocument reply = replies.getOrDefault(name + "@" + database, replies.get(name));
        if (reply == null) {
            throw new MongoCommandException(BsonDocument.parse("{ok: 0, code: 59, codeName: 'CommandNotFound', errmsg: 'no such command: "
                    + name + "'}"), new ServerAddress());
        }
        return reply;
    }

    static ValidationContext context(Recorded source, Recorded destination, boolean live) {
        return context(source, destination, live, ns -> !ns.isSystem(), List.of());
    }

    static ValidationContext context(CommandRunner source, CommandRunner destination, boolean live, Predicate<Namespace> selects,
                                     List<String> accessList) {
        MigrationSpec spec = MigrationSpec.builder().source("mongodb://src:27017").destination("mongodb://dst:27017")
                .continuousSync(live).build();
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
            public List<String> sourceAccessList() {
                return accessList;
            }
        };
    }
}
