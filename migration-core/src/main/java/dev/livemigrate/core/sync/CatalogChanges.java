package dev.livemigrate.core.sync;

import dev.livemigrate.MigrationReport;

import java.util.concurrent.atomic.AtomicInteger;

/** Counts what happened to the selected collections while syncing, for progress and the report. */
final class CatalogChanges {

    private final AtomicInteger created = new AtomicInteger();
    private final AtomicInteger copied = new AtomicInteger();
    private final AtomicInteger renamed = new AtomicInteger();
    private final AtomicInteger dropped = new AtomicInteger();

    void created() {
        created.incrementAndGet();
    }

    void copied() {
        copied.incrementAndGet();
    }

    void renamed() {
        renamed.incrementAndGet();
    }

    void dropped() {
        dropped.incrementAndGet();
    }

    MigrationReport.CatalogChanges snapshot() {
        return new MigrationReport.CatalogChanges(created.get(), copied.get(), renamed.get(), dropped.get());
    }
}
