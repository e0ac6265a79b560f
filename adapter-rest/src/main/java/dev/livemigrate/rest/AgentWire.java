package dev.livemigrate.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livemigrate.ErrorCode;
import dev.livemigrate.MigrationException;
import dev.livemigrate.MigrationProgress;
import dev.livemigrate.MigrationReport;
import dev.livemigrate.MigrationState;
import dev.livemigrate.ValidationException;
import dev.livemigrate.ValidationFinding;
import dev.livemigrate.ValidationReport;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON a migration-host agent and the control plane exchange about a migration, written by one side and read by
 * the other: a {@link MigrationProgress} ({@code {state, copiedBytes, totalBytes, copiedDocuments, totalDocuments,
 * collectionsDone, collectionsTotal, partitionsDone, partitionsTotal, lagMillis, eventsApplied, eventsPerSecond,
 * indexesBuilt, retries, indexConflicts, retrying?, counters: {eventsRead, applyBatches, applyNanos, retriesByCode}}};
 * the counters feed the control plane's {@code /metrics}, as a session of its own would; catalog changes stay on the agent)
 * and a failure ({@code {code, message, findings?}}, the findings of a refused start). Unknown codes read back as
 * {@link ErrorCode#INTERNAL} with the code named in the message.
 */
final class AgentWire {

    private AgentWire() {
    }

    static ObjectNode progress(MigrationProgress p) {
        ObjectNode o = JsonSupport.object().put("state", p.state().name()).put("copiedBytes", p.copiedBytes())
                .put("totalBytes", p.totalBytes()).put("copiedDocuments", p.copiedDocuments()).put("totalDocuments", p.totalDocuments())
                .put("collectionsDone", p.collectionsDone()).put("collectionsTotal", p.collectionsTotal())
                .put("partitionsDone", p.partitionsDone()).put("partitionsTotal", p.partitionsTotal())
                .put("eventsApplied", p.eventsApplied()).put("eventsPerSecond", p.eventsPerSecond())
                .put("indexesBuilt", p.indexesBuilt()).put("retries", p.retries());
        if (p.lag() == null) {
            o.putNull("lagMillis");
        } else {
            o.put("lagMillis", p.lag().toMillis());
        }
        ObjectNode conflicts = o.putObject("indexConflicts");
        p.indexConflicts().forEach((index, keys) -> keys.forEach(conflicts.withArray(index)::add));
        MigrationProgress.Counters c = p.counters();
        ObjectNode counters = o.putObject("counters").put("eventsRead", c.eventsRead()).put("applyBatches", c.applyBatches())
                .put("applyNanos", c.applyTime().toNanos());
        ObjectNode byCode = counters.putObject("retriesByCode");
        c.retriesByCode().forEach(byCode::put);
        if (p.retrying() != null) {
            o.putObject("retrying").put("what", p.retrying().what()).put("code", p.retrying().code())
                    .put("attempt", p.retrying().attempt()).put("since", p.retrying().since().toString());
        }
        return o;
    }

    static MigrationProgress progress(JsonNode o) {
        Map<String, List<String>> conflicts = new LinkedHashMap<>();
        o.path("indexConflicts").properties().forEach(e -> {
            List<String> keys = new ArrayList<>();
            e.getValue().forEach(k -> keys.add(k.asText()));
            conflicts.put(e.getKey(), keys);
        });
        JsonNode r = o.get("retrying");
        MigrationProgress.Retrying retrying = r == null || r.isNull() ? null : new MigrationProgress.Retrying(r.path("what").asText(),
                r.path("code").asText(), r.path("attempt").asInt(), Instant.parse(r.path("since").asText()));
        JsonNode lag = o.get("lagMillis");
        JsonNode c = o.path("counters");
        Map<String, Long> retriesByCode = new LinkedHashMap<>();
        c.path("retriesByCode").properties().forEach(e -> retriesByCode.put(e.getKey(), e.getValue().asLong()));
        MigrationProgress.Counters counters = new MigrationProgress.Counters(c.path("eventsRead").asLong(),
                c.path("applyBatches").asLong(), Duration.ofNanos(c.path("applyNanos").asLong()), retriesByCode);
        return new MigrationProgress(MigrationState.valueOf(o.path("state").asText()), o.path("copiedBytes").asLong(),
                o.path("totalBytes").asLong(), o.path("copiedDocuments").asLong(), o.path("totalDocuments").asLong(),
                o.path("collectionsDone").asInt(), o.path("collectionsTotal").asInt(), o.path("partitionsDone").asInt(),
                o.path("partitionsTotal").asInt(), lag == null || lag.isNull() ? null : Duration.ofMillis(lag.asLong()),
                o.path("eventsApplied").asLong(), o.path("eventsPerSecond").asDouble(), null, conflicts,
                o.path("indexesBuilt").asInt(), retrying, o.path("retries").asLong(), counters);
    }

    /**
     * The report the agent sent, as the library's record for callers of {@link RemoteSession#awaitCompletion}: every
     * figure but the verification details ({@code verificationReport} is {@code null}; the JSON keeps them and is what
     * the API shows).
     */
    static MigrationReport report(String id, MigrationState state, JsonNode r) {
        if (r == null) {
            return new MigrationReport(id, state, null, null, 0, 0, 0, 0, 0, 0, null, null, false, Map.of(),
                    MigrationReport.Verification.NOT_REQUESTED, null, null, null, null, null);
        }
        Map<String, List<String>> conflicts = new LinkedHashMap<>();
        r.path("indexConflicts").properties().forEach(e -> {
            List<String> keys = new ArrayList<>();
            e.getValue().forEach(k -> keys.add(k.asText()));
            conflicts.put(e.getKey(), keys);
        });
        Map<String, String> capped = new LinkedHashMap<>();
        r.path("cappedNotRestored").properties().forEach(e -> capped.put(e.getKey(), e.getValue().asText()));
        Map<String, String> sharding = new LinkedHashMap<>();
        r.path("sharding").properties().forEach(e -> sharding.put(e.getKey(), e.getValue().asText()));
        JsonNode c = r.path("catalogChangesDuringSync");
        return new MigrationReport(id, state, time(r.get("startedAt")), millis(r.get("durationMillis")), r.path("copiedBytes").asLong(),
                r.path("copiedDocuments").asLong(), r.path("collectionsCopied").asInt(), r.path("indexesCreated").asInt(),
                r.path("viewsCreated").asInt(), r.path("changesApplied").asLong(), time(r.get("syncedThrough")),
                millis(r.get("downtimeMillis")), r.path("sourceWritesBlocked").asBoolean(), conflicts,
                MigrationReport.Verification.valueOf(r.path("verification").asText("NOT_REQUESTED")), null,
                new MigrationReport.CatalogChanges(c.path("created").asInt(), c.path("copied").asInt(), c.path("renamed").asInt(),
                        c.path("dropped").asInt()), r.path("cutoverPoint").isTextual() ? r.get("cutoverPoint").asText() : null, capped, sharding);
    }

    private static Instant time(JsonNode t) {
        return t == null || !t.isTextual() ? null : Instant.parse(t.asText());
    }

    private static Duration millis(JsonNode d) {
        return d == null || !d.isNumber() ? null : Duration.ofMillis(d.asLong());
    }

    /** {@code {code, message, findings?}}; the message with connection-string passwords hidden. */
    static ObjectNode failure(MigrationException e) {
        String message = e.getMessage();
        String prefix = "[" + e.errorCode() + "] ";
        message = message.startsWith(prefix) ? message.substring(prefix.length()) : message;
        ObjectNode o = JsonSupport.object().put("code", e.errorCode().name()).put("message", Errors.redact(message));
        if (e instanceof ValidationException v && v.report().isPresent()) {
            ArrayNode findings = o.putArray("findings");
            v.report().get().findings().forEach(f -> findings.addObject().put("code", f.code()).put("severity", f.severity().name())
                    .put("message", Errors.redact(f.message())).put("remedy", Errors.redact(f.remedy())));
        }
        return o;
    }

    /** The failure as the exception the agent's library threw: a {@link ValidationException} when it has findings. */
    static MigrationException failure(JsonNode o) {
        String named = o.path("code").asText();
        ErrorCode code = ErrorCode.INTERNAL;
        String message = o.path("message").asText();
        try {
            code = ErrorCode.valueOf(named);
        } catch (IllegalArgumentException unknown) {
            message = named + ": " + message;
        }
        if (o.has("findings")) {
            List<ValidationFinding> findings = new ArrayList<>();
            o.path("findings").forEach(f -> findings.add(new ValidationFinding(f.path("code").asText(),
                    ValidationFinding.Severity.valueOf(f.path("severity").asText()), f.path("message").asText(), f.path("remedy").asText())));
            return new ValidationException(code, message, new ValidationReport(findings));
        }
        return new MigrationException(code, message);
    }
}
