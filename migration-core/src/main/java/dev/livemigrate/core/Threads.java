package dev.livemigrate.core;

/** The engine's threads: named for thread dumps, daemons so an embedding application can always exit. */
public final class Threads {

    private Threads() {
    }

    /** A daemon thread, not started. */
    public static Thread daemon(String name, Runnable task) {
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        return t;
    }
}
