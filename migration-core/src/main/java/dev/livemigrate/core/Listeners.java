package dev.livemigrate.core;

import dev.livemigrate.MigrationListener;
import dev.livemigrate.MigrationProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.function.Consumer;

/** The spec's listeners, called in order; one that throws is logged and does not stop the others or the run. */
public final class Listeners {

    private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);

    private final List<MigrationListener> listeners;
    private MigrationProgress lastProgress;

    public Listeners(List<MigrationListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    /** Tells a progress snapshot, unless it equals the last one told. */
    public synchronized void progress(MigrationProgress p) {
        if (!p.equals(lastProgress)) {
            lastProgress = p;
            tell(l -> l.progress(p));
        }
    }

    public void tell(Consumer<MigrationListener> call) {
        for (MigrationListener l : listeners) {
            try {
                call.accept(l);
            } catch (RuntimeException e) {
                LOG.warn("listener {} failed", l, e);
            }
        }
    }
}
