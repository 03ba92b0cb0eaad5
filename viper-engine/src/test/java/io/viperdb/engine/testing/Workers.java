package io.viperdb.engine.testing;

import java.util.List;

/** Starts test threads whose failures are collected rather than lost on a background thread. */
public final class Workers {
    private Workers() {
    }

    /** Starts {@code body} on a new daemon thread; anything it throws is added to {@code failures}. */
    public static Thread start(Runnable body, List<Throwable> failures) {
        Thread thread = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable t) {
                synchronized (failures) {
                    failures.add(t);
                }
            }
        });
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
