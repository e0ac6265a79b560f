package dev.livemigrate.cli;

import dev.livemigrate.MigrationListener;
import dev.livemigrate.MigrationProgress;
import dev.livemigrate.MigrationState;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Renders progress: on a terminal one line rewritten in place, elsewhere a line every few seconds and on
 * every state change.
 */
final class ProgressRenderer implements MigrationListener {

    private final PrintWriter out;
    private final boolean terminal;
    private final long startNanos = System.nanoTime();
    private long lastPrintNanos;
    private boolean lineOpen;

    ProgressRenderer(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    @Override
    public synchronized void stateChanged(MigrationState from, MigrationState to) {
        endLine();
        out.println("state: " + to);
    }

    @Override
    public synchronized void progress(MigrationProgress p) {
        long now = System.nanoTime();
        if (!terminal && now - lastPrintNanos < 2_000_000_000L) {
            return;
        }
        lastPrintNanos = now;
        double seconds = Math.max(0.001, (now - startNanos) / 1e9);
        String line = String.format(Locale.ROOT, "%-8s %5.1f%%  %s / %s  %,d docs  %,.0f docs/s  collections %d/%d",
                p.state(), p.copiedFraction() * 100, bytes(p.copiedBytes()), bytes(p.totalBytes()),
                p.copiedDocuments(), p.copiedDocuments() / seconds, p.collectionsDone(), p.collectionsTotal());
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
