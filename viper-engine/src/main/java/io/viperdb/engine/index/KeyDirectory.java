package io.viperdb.engine.index;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-memory index: every key that has a value, with the {@link Location} of its latest record.
 *
 * <p>Lookups are lock-free and run concurrently with updates. Updates are made by one thread at a time (the store's
 * writers hold its write lock; recovery runs before the store is shared), which keeps the count of expiring entries
 * exact without atomics on the write path.
 *
 * <p>An entry may have expired: expiry is judged when the entry is read, against the store's clock.
 *
 * <p>The updates of a batch are applied {@link #applyAtomically atomically} for readers, with a sequence lock: the
 * version is odd while a batch is being applied, and a read that overlaps one is retried, so a reader never sees some
 * of a batch's updates without the others.
 */
public final class KeyDirectory {

    private final ConcurrentHashMap<String, Location> entries = new ConcurrentHashMap<>();
    private volatile long expiring;
    private volatile long version;

    /** The location of {@code key}, never taken from the middle of a batch being applied. */
    public Location get(String key) {
        while (true) {
            long before = version;
            if ((before & 1) == 0) {
                Location location = entries.get(key);
                if (version == before) {
                    return location;
                }
            }
            Thread.onSpinWait();
        }
    }

    /** Runs {@code updates}, made with this directory's update methods, so that readers see all of them or none. */
    public void applyAtomically(Runnable updates) {
        version++;
        try {
            updates.run();
        } finally {
            version++;
        }
    }

    /** A version to read under: it is odd while a batch is being applied, and changes with every batch. */
    public long version() {
        return version;
    }

    /** Maps {@code key} to {@code location}; returns the location it replaces, or null. */
    public Location put(String key, Location location) {
        Location previous = entries.put(key, location);
        count(previous, location);
        return previous;
    }

    /** Removes {@code key}; returns the location it had, or null. */
    public Location remove(String key) {
        Location previous = entries.remove(key);
        count(previous, null);
        return previous;
    }

    /** Moves {@code key} from {@code expected} to {@code update} if it is still at {@code expected}. */
    public boolean replace(String key, Location expected, Location update) {
        boolean replaced = entries.replace(key, expected, update);
        if (replaced) {
            count(expected, update);
        }
        return replaced;
    }

    /** Removes {@code key} if it is still at {@code expected}. */
    public boolean remove(String key, Location expected) {
        boolean removed = entries.remove(key, expected);
        if (removed) {
            count(expected, null);
        }
        return removed;
    }

    private void count(Location removed, Location added) {
        long delta = (added != null && added.expires() ? 1 : 0) - (removed != null && removed.expires() ? 1 : 0);
        if (delta != 0) {
            // Updates are made by one thread at a time (see the class comment), so this is no lost update.
            expiring = expiring + delta;
        }
    }

    /** The number of entries that have not expired at {@code nowMillis}. */
    public long liveCount(long nowMillis) {
        if (expiring == 0) {
            return entries.size();
        }
        long live = 0;
        for (Location location : entries.values()) {
            if (!location.expiredAt(nowMillis)) {
                live++;
            }
        }
        return live;
    }

    /** The keys that have not expired at {@code nowMillis}, copied. */
    public Set<String> liveKeys(long nowMillis) {
        Set<String> keys = new HashSet<>(Math.max(16, (int) (entries.size() / 0.75f) + 1));
        entries.forEach((key, location) -> {
            if (!location.expiredAt(nowMillis)) {
                keys.add(key);
            }
        });
        return keys;
    }

    /** Every entry, expired or not; weakly consistent under concurrent updates, like {@link ConcurrentHashMap}. */
    public Iterable<Map.Entry<String, Location>> entries() {
        return entries.entrySet();
    }

    /** The number of entries, expired ones included. */
    public int size() {
        return entries.size();
    }
}
