package dev.livemigrate.core.cutover;

import com.mongodb.MongoCommandException;
import dev.livemigrate.Namespace;
import dev.livemigrate.core.Clients;
import dev.livemigrate.core.RunContext;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Gives capped collections created larger for syncing their source's size and maximum back, at cutover
 * once every change is applied: {@code collMod} with {@code cappedSize} and {@code cappedMax} (MongoDB
 * 6.0+). Where the destination refuses it, the collection keeps the larger size and no maximum, and the
 * refusal is returned for the report (and logged), never hidden.
 */
final class CappedRestore {

    private static final Logger LOG = LoggerFactory.getLogger(CappedRestore.class);

    private CappedRestore() {
    }

    /** @return the capped collections not restored, by destination namespace, with the server's reason */
    static Map<String, String> restore(RunContext run) {
        Map<String, String> notRestored = new LinkedHashMap<>();
        run.metadata().relaxedCapped(run.id()).forEach((target, original) -> {
            if (!exists(run, target)) {
                return; // dropped meanwhile: a collMod would fail, and nothing is left to restore
            }
            BsonDocument collMod = new BsonDocument("collMod", new BsonString(target.collection()));
            if (original.containsKey("size")) {
                collMod.append("cappedSize", original.get("size"));
            }
            if (original.containsKey("max")) {
                collMod.append("cappedMax", original.get("max"));
            }
            try {
                Clients.unbounded(run.destination().getDatabase(target.database())).runCommand(collMod);
                LOG.info("migration {}: capped collection {} restored to the source's {}", run.id(), target, original.toJson());
            } catch (MongoCommandException e) {
                String reason = "collMod " + collMod.toJson() + " refused (" + e.getErrorCodeName() + ": " + e.getErrorMessage()
                        + "): it keeps the size given for syncing and no maximum; on MongoDB 6.0+ run that collMod yourself";
                notRestored.put(target.fullName(), reason);
                LOG.warn("migration {}: capped collection {} not restored: {}", run.id(), target, reason);
            }
        });
        return notRestored;
    }

    private static boolean exists(RunContext run, Namespace target) {
        return run.destination().getDatabase(target.database()).listCollectionNames().into(new HashSet<>()).contains(target.collection());
    }
}
