package dev.livemigrate.rest;

import dev.livemigrate.MigrationProgress;
import dev.livemigrate.MigrationState;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * {@code GET /metrics}: each managed migration's progress in Prometheus's text format, through Micrometer, labelled
 * {@code migration_id}. The meters read {@link ManagedMigration#progress()} (the running session's
 * {@code progress()}, else the last one seen) and {@link ManagedMigration#state()} when scraped; the engine knows
 * nothing of them. Counters: {@code livemigrate_copied_bytes_total}, {@code livemigrate_copied_documents_total},
 * {@code livemigrate_events_applied_total} (per session: a resumed migration starts again from zero, which
 * Prometheus reads as a counter reset). Gauges: {@code livemigrate_estimated_bytes},
 * {@code livemigrate_estimated_documents}, {@code livemigrate_collections_done},
 * {@code livemigrate_collections_planned}, {@code livemigrate_lag_seconds} (NaN before change capture starts),
 * {@code livemigrate_events_per_second}, and {@code livemigrate_state} (1 for the migration's state label, 0 for
 * every other).
 */
final class Metrics {

    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, List<Meter>> meters = new HashMap<>();
    private final Map<String, ManagedMigration> managed = new HashMap<>();
    private final Map<String, Set<String>> codes = new HashMap<>();

    /** Registers the meters of a migration (once per id). */
    synchronized void bind(ManagedMigration m) {
        if (meters.containsKey(m.id)) {
            return;
        }
        Tags tags = Tags.of("migration_id", m.id);
        List<Meter> bound = new ArrayList<>();
        bound.add(counter("livemigrate.copied.bytes", "bytes of documents copied", m, tags, MigrationProgress::copiedBytes));
        bound.add(counter("livemigrate.copied.documents", "documents copied", m, tags, MigrationProgress::copiedDocuments));
        bound.add(counter("livemigrate.events.applied", "change events applied by the running session", m, tags,
                MigrationProgress::eventsApplied));
        bound.add(counter("livemigrate.retries", "transient errors (network, elections) retried within the retry budget", m, tags,
                MigrationProgress::retries));
        bound.add(counter("livemigrate.events.read", "change events read from the source", m, tags, p -> p.counters().eventsRead()));
        bound.add(counter("livemigrate.apply.batches", "batches of changes applied to the destination", m, tags,
                p -> p.counters().applyBatches()));
        bound.add(counter("livemigrate.apply.seconds", "time spent applying batches, all lanes summed (divide by"
                + " livemigrate_apply_batches_total for the mean batch latency)", m, tags, p -> p.counters().applyTime().toNanos() / 1e9));
        bound.add(gauge("livemigrate.retrying", "1 while some work is retrying a transient error", m, tags,
                p -> p.retrying() == null ? 0 : 1));
        bound.add(gauge("livemigrate.estimated.bytes", "bytes to copy, estimated at planning", m, tags, MigrationProgress::totalBytes));
        bound.add(gauge("livemigrate.estimated.documents", "documents to copy, estimated at planning", m, tags,
                MigrationProgress::totalDocuments));
        bound.add(gauge("livemigrate.collections.done", "collections copied with their indexes", m, tags,
                MigrationProgress::collectionsDone));
        bound.add(gauge("livemigrate.collections.planned", "collections to copy", m, tags, MigrationProgress::collectionsTotal));
        bound.add(gauge("livemigrate.lag.seconds", "how far the last applied change trails the source", m, tags,
                p -> p.lag() == null ? Double.NaN : p.lag().toMillis() / 1000.0));
        bound.add(gauge("livemigrate.events.per.second", "change events applied per second, recently", m, tags,
                MigrationProgress::eventsPerSecond));
        for (MigrationState state : MigrationState.values()) {
            bound.add(Gauge.builder("livemigrate.state", m, x -> x.state() == state ? 1 : 0).strongReference(true)
                    .description("1 for the migration's engine state").tags(tags.and("state", state.name())).register(registry));
        }
        meters.put(m.id, bound);
        managed.put(m.id, m);
    }

    /** Every meter in Prometheus's text format. */
    synchronized String scrape() {
        managed.values().forEach(this::bindCodes);
        return registry.scrape();
    }

    /**
     * The meters keyed by an error code, registered as codes appear: retries by code, and the code a migration
     * (or its last cutover) failed with.
     */
    private void bindCodes(ManagedMigration m) {
        Set<String> known = codes.computeIfAbsent(m.id, id -> new HashSet<>());
        MigrationProgress p = m.progress();
        if (p != null) {
            for (String code : p.counters().retriesByCode().keySet()) {
                if (known.add("retry:" + code)) {
                    meters.get(m.id).add(FunctionCounter.builder("livemigrate.retries.by.code", m,
                                    x -> value(x, q -> q.counters().retriesByCode().getOrDefault(code, 0L), 0))
                            .description("transient errors retried, by code").tags(Tags.of("migration_id", m.id, "code", code))
                            .register(registry));
                }
            }
        }
        for (ManagedMigration.Failure f : new ManagedMigration.Failure[] {m.failure, m.cutoverFailure}) {
            if (f != null && known.add("error:" + f.code())) {
                meters.get(m.id).add(Gauge.builder("livemigrate.errors", m, x -> (x.failure != null && x.failure.code().equals(f.code()))
                                || (x.cutoverFailure != null && x.cutoverFailure.code().equals(f.code())) ? 1 : 0).strongReference(true)
                        .description("1 while the migration's failure, or its last cutover's, has this code")
                        .tags(Tags.of("migration_id", m.id, "code", f.code())).register(registry));
            }
        }
    }

    private Meter counter(String name, String description, ManagedMigration m, Tags tags, ToDoubleFunction<MigrationProgress> f) {
        return FunctionCounter.builder(name, m, x -> value(x, f, 0)).description(description).tags(tags).register(registry);
    }

    private Meter gauge(String name, String description, ManagedMigration m, Tags tags, ToDoubleFunction<MigrationProgress> f) {
        return Gauge.builder(name, m, x -> value(x, f, Double.NaN)).strongReference(true).description(description).tags(tags)
                .register(registry);
    }

    private static double value(ManagedMigration m, ToDoubleFunction<MigrationProgress> f, double unknown) {
        MigrationProgress p = m.progress();
        return p == null ? unknown : f.applyAsDouble(p);
    }
}
