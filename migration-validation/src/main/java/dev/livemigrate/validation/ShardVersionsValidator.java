package dev.livemigrate.validation;

import com.google.auto.service.AutoService;
import com.mongodb.MongoException;
import dev.livemigrate.ValidationFinding;
import dev.livemigrate.spi.CommandRunner;
import dev.livemigrate.spi.ValidationContext;
import dev.livemigrate.spi.Validator;
import org.bson.BsonDocument;
import org.bson.BsonInt32;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The featureCompatibilityVersion of every shard of a sharded side, read on each shard's primary (a mongos keeps
 * none of its own), reached as {@link ShardConnector} says. Shards that differ (an upgrade or downgrade left
 * half done, or one still under way, whose {@code targetVersion} is then reported beside {@code version}) are an ERROR:
 * sharding DDL the migration runs (shardCollection, index builds on every shard) fails or behaves per shard
 * while they differ. A shard that cannot be reached, or shards that cannot be listed, are a WARNING that says the
 * version is unknown.
 */
@AutoService(Validator.class)
public final class ShardVersionsValidator implements Validator {

    private final ShardConnector connector;

    public ShardVersionsValidator() {
        this(ShardConnector.CLIENTS);
    }

    /** With the connector that opens each shard, so a test answers for the shards. */
    ShardVersionsValidator(ShardConnector connector) {
        this.connector = connector;
    }

    @Override
    public String name() {
        return "shard-versions";
    }

    @Override
    public List<ValidationFinding> validate(ValidationContext context) {
        List<ValidationFinding> findings = new ArrayList<>();
        check(context, true, context.source(), findings);
        check(context, false, context.destination(), findings);
        return findings;
    }

    private void check(ValidationContext context, boolean source, CommandRunner side, List<ValidationFinding> findings) {
        if (!Sharding.isMongos(side)) {
            return;
        }
        String name = source ? "source" : "destination";
        String code = name.toUpperCase();
        List<Sharding.Shard> shards;
        try {
            shards = Sharding.shards(side);
        } catch (MongoException e) {
            findings.add(ValidationFinding.warning(code + "_SHARD_UNREACHABLE", "the " + name + "'s shards could not be listed ("
                    + Commands.reason(e) + "), so their featureCompatibilityVersions are unknown", "grant the " + name + " user"
                    + " listShards (clusterMonitor holds it), or check each shard yourself: db.adminCommand({getParameter: 1,"
                    + " featureCompatibilityVersion: 1}) on its primary"));
            return;
        }
        Map<String, String> versions = new LinkedHashMap<>();
        connector.each(context, source, shards, (shard, runner) -> versions.put(shard.id(), fcv(runner)),
                (shard, reason) -> findings.add(ValidationFinding.warning(code + "_SHARD_UNREACHABLE", "the " + name + "'s shard "
                        + shard.id() + " (" + shard.host() + ") could not be reached, so its featureCompatibilityVersion is"
                        + " unknown: " + reason, "let the migration host reach every shard member with the " + name + "'s user,"
                        + " or check it yourself: db.adminCommand({getParameter: 1, featureCompatibilityVersion: 1}) on the"
                        + " shard's primary")));
        List<String> each = new ArrayList<>();
        versions.forEach((shard, version) -> each.add(shard + " " + version));
        if (new LinkedHashSet<>(versions.values()).size() > 1) {
            findings.add(ValidationFinding.error(code + "_SHARD_FCV_DIFFERS", "the " + name + "'s shards differ in"
                    + " featureCompatibilityVersion: " + String.join(", ", each), "finish the upgrade or downgrade: run"
                    + " db.adminCommand({setFeatureCompatibilityVersion: '<version>', confirm: true}) on the " + name
                    + "'s mongos, which sets it on every shard, then validate again"));
        } else if (!versions.isEmpty()) {
            findings.add(ValidationFinding.info(code + "_SHARDS", "the " + name + "'s shards: " + String.join(", ", each)));
        }
    }

    /**
     * A shard's featureCompatibilityVersion as {@code getParameter} reports it: {@code version}, and while a change
     * of it is under way the {@code targetVersion} (and {@code previousVersion}, where a downgrade names it) beside it.
     */
    private static String fcv(CommandRunner shard) {
        BsonDocument f = shard.run("admin", new BsonDocument("getParameter", new BsonInt32(1))
                .append("featureCompatibilityVersion", new BsonInt32(1))).getDocument("featureCompatibilityVersion");
        String version = f.getString("version").getValue();
        if (!f.isString("targetVersion")) {
            return version;
        }
        return version + " (being changed: targetVersion " + f.getString("targetVersion").getValue()
                + (f.isString("previousVersion") ? ", previousVersion " + f.getString("previousVersion").getValue() : "") + ")";
    }
}
