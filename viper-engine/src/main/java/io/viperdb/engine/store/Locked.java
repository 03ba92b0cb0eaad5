package io.viperdb.engine.store;

import java.util.concurrent.locks.Lock;
import java.util.function.Supplier;

/** Runs work while holding a lock: the one place that pairs the store's {@code lock()}s with their {@code unlock()}. */
final class Locked {

    private Locked() {
    }

    /** Runs {@code work} holding {@code lock}, and returns what it returns. */
    static <T> T get(Lock lock, Supplier<T> work) {
        lock.lock();
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code work} holding {@code lock}. */
    static void run(Lock lock, Runnable work) {
        lock.lock();
        try {
            work.run();
        } finally {
            lock.unlock();
        }
    }
}
