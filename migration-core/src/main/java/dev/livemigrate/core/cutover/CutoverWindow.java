package dev.livemigrate.core.cutover;

import dev.livemigrate.core.Listeners;
import dev.livemigrate.core.RunContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.Optional;

/**
 * The time the operator has to cut over once the destination has caught up: {@code cutoverWindow} from
 * the moment the migration first became ready (persisted, so a restart keeps the same closing time),
 * extended by {@code cutoverWindowExtension} on request, with one warning {@code expiryWarning} before
 * it closes. Time comes from the spec's clock.
 */
public final class CutoverWindow {

    private static final Logger LOG = LoggerFactory.getLogger(CutoverWindow.class);

    private final RunContext run;
    private final Listeners listeners;
    private volatile Instant expiresAt;
    private volatile boolean warned;

    public CutoverWindow(RunContext run, Listeners listeners) {
        this.run = run;
        this.listeners = listeners;
    }

    /** When the window closes, once it is open. */
    public Optional<Instant> expiresAt() {
        return Optional.ofNullable(expiresAt);
    }

    /** Opens the window, or finds the one a previous run opened; {@link #announce()} tells the listeners. */
    public void open() {
        Instant closes = run.metadata().cutoverWindow(run.id()).orElse(run.clock().instant().plus(run.spec().cutoverWindow()));
        run.metadata().saveCutoverWindow(run.id(), closes);
        expiresAt = closes;
    }

    /** Tells the listeners when the open window closes. */
    public void announce() {
        Instant closes = expiresAt;
        LOG.info("migration {}: ready to cut over until {}", run.id(), closes);
        listeners.tell(l -> l.cutoverWindowChanged(closes));
    }

    /** Moves the closing time by the spec's extension and tells the listeners; returns the new closing time. */
    public Instant extend() {
        Instant closes = expiresAt.plus(run.spec().cutoverWindowExtension());
        expiresAt = closes;
        warned = false;
        run.metadata().saveCutoverWindow(run.id(), closes);
        LOG.info("migration {}: cutover window extended to {}", run.id(), closes);
        listeners.tell(l -> l.cutoverWindowChanged(closes));
        return closes;
    }

    /**
     * Checks the window against the clock: warns the listeners once when it is about to close.
     *
     * @return whether it has closed
     */
    public boolean expired() {
        Instant closes = expiresAt;
        if (closes == null) {
            return false;
        }
        Instant now = run.clock().instant();
        if (!warned && !now.isBefore(closes.minus(run.spec().expiryWarning()))) {
            warned = true;
            LOG.warn("migration {}: the cutover window closes at {}", run.id(), closes);
            listeners.tell(l -> l.cutoverWindowExpiring(closes));
        }
        if (!now.isBefore(closes)) {
            LOG.warn("migration {}: the cutover window closed at {}; syncing stops", run.id(), closes);
            return true;
        }
        return false;
    }
}
