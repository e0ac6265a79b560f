package dev.livemigrate.validation;

import com.google.auto.service.AutoService;
import com.mongodb.ConnectionString;
import dev.livemigrate.ValidationFinding;
import dev.livemigrate.spi.ValidationContext;
import dev.livemigrate.spi.Validator;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;

import java.util.ArrayList;
import java.util.List;

/**
 * The source's topology: a replica set or a sharded cluster keeps the change history a live migration
 * follows; a standalone does not, unless it keeps an oplog anyway.
 */
@AutoService(Validator.class)
public final class TopologyValidator implements Validator {

    @Override
    public String name() {
        return "topology";
    }

    @Override
    public List<ValidationFinding> validate(ValidationContext context) {
        BsonDocument hello = context.source().run("admin", Commands.command("isMaster"));
        List<ValidationFinding> findings = new ArrayList<>();
        if ("isdbgrid".equals(hello.getString("msg", new BsonString("")).getValue())) {
            findings.add(ValidationFinding.info("SOURCE_TOPOLOGY", "the source is a sharded cluster" + routers(context)));
        } else if (hello.containsKey("setName")) {
            findings.add(ValidationFinding.info("SOURCE_TOPOLOGY", "the source is replica set "
                    + hello.getString("setName").getValue() + " with members " + hello.getArray("hosts", new BsonArray())
                    .stream().map(h -> h.asString().getValue()).toList()));
        } else if (!context.spec().continuousSync()) {
            findings.add(ValidationFinding.info("SOURCE_TOPOLOGY", "the source is a standalone server; a one-time copy needs no change history"));
        } else if (hasOplog(context)) {
            findings.add(ValidationFinding.warning("SOURCE_STANDALONE_WITH_OPLOG", "the source is a standalone server that keeps an oplog",
                    "migrate from a replica set in production: a standalone's changes are not guaranteed to be followable"));
        } else {
            findings.add(ValidationFinding.error("SOURCE_STANDALONE", "the source is a standalone server: it keeps no change history,"
                    + " so writes made during the migration cannot be followed",
                    "convert the source to a single-node replica set (replSetInitiate), or set continuousSync(false)"
                            + " for a one-time copy while nothing writes to it"));
        }
        return findings;
    }

    /**
     * The mongos routers the source's connection string names: a mongos's reply has no {@code me} (that is
     * a replica-set member's field), so the connection string is the only place that says which routers.
     */
    private static String routers(ValidationContext context) {
        return context.spec().source().connectionString()
                .filter(uri -> uri.startsWith("mongodb://"))
                .map(uri -> ", reached through mongos " + String.join(", ", new ConnectionString(uri).getHosts()))
                .orElse(", reached through mongos");
    }

    private static boolean hasOplog(ValidationContext context) {
        return Commands.tryRun(context.source(), "local", new BsonDocument("find", new BsonString("oplog.rs"))
                        .append("limit", new BsonInt32(1)))
                .map(r -> !r.getDocument("cursor").getArray("firstBatch").isEmpty()).orElse(false);
    }
}
