package dev.livemigrate.cli;

import dev.livemigrate.MigrationListener;
import dev.livemigrate.MigrationProgress;
import dev.livemigrate.MigrationState;
import org.bson.BsonDocument;
import org.bson.BsonString;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.Locale;

/**
 * Renders progress: on a terminal one line rewritten in place, elsewhere a line every few seconds and on
 * every state change; with {@code json}, one JSON object per line for every progress and state event.
 */
final class ProgressRenderer implements MigrationListener {

    private final PrintWriter out;
    private final boolean terminal;
    private final boolean json;
    private final long startNanos = System.nanoTime();
    private long lastPrintNanos;
    private boolean lineOpen;

    ProgressRenderer(PrintWriter out, boolean terminal) {
        this(out, terminal, false);
    }

    ProgressRenderer(PrintWriter out, boolean terminal, boolean json) {
        this.out = out;
        this.terminal = terminal && !json;
        this.json = json;
    }

    @Override
    public synchronized void stateChanged(MigrationState from, MigrationState to) {
        if (json) {
            line(new BsonDocument("type", new BsonString("state")).append("from", new BsonString(from.name()))
                    .append("state", new BsonString(to.name())).toJson());
            return;
        }
        endLine();
        out.println("state: " + to);
        out.flush();
    }

    @Override
    public synchronized void cutoverWindowChanged(Instant expiresAt) {
        message("cutoverWindow", expiresAt, "cutover window open until " + expiresAt);
    }

    @Override
    public synchronized void cutoverWindowExpiring(Instant expiresAt) {
        message("cutoverWindowExpiring", expiresAt, "WARNING: the cutover window closes at " + expiresAt
                + ": cut over or extend it, or syncing stops");
    }

    private void message(String type, Instant expiresAt, String text) {
        if (json) {
            line(new BsonDocument("type", new BsonString(type)).append("expiresAt", new BsonString(expiresAt.toString())).toJson());
        } else {
            endLine();
            out.println(text);
            out.flush();
        }
    }

    /** Prints a line of its own (a message, a JSON object) without breaking the progress line. */
    synchronized void line(String text) {
        endLine();
        out.println(text);
        out.flush();
    }

    @Override
    public synchronized void progress(MigrationProgress p) {
        if (json) {
            line(p.toJson());
            return;
        }
        long now = System.nanoTime();
        if (!terminal && now - lastPrintNanos < 2_000_000_000L) {
            return;
        }
        lastPrintNanos = now;
        double seconds = Math.max(0.001, (now - startNanos) / 1e9);
        String line = String.format(Locale.ROOT, "%-16s %5.1f%%  %s / %s  %,d docs  %,.0f docs/s  collections %d/%d  lag %s  %,d changes (%,.0f/s)",
                p.state(), p.copiedFraction() * 100, bytes(p.copiedBytes()), bytes(p.totalBytes()),
                p.copiedDocuments(), p.copiedDocuments() / seconds, p.collectionsDone(), p.collectionsTotal(),
                DurationText.format(p.lag()), p.eventsApplied(), p.eventsPerSecond())
                + (p.retrying() == null ? "" : "  " + p.retrying());
        if (terminal) {
            out.print("\r" + line + "   ");
            lineOpen = true;
        } else {
            out.println(line);
        }
        out.flush();
    }

    synchronized void endLine() {
        if (lineOpen) {
            out.println();
            lineOpen = false;
        }
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
