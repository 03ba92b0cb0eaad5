package io.viperdb.engine.testing;

import io.viperdb.KeyValueStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A seeded sequence of puts, overwrites and removes over a few keys, with what the store must hold after each
 * prefix of it, and where each operation's record ends in a single value log. The record sizes are computed here
 * from the documented layout (27-byte header, key, value), not by the engine, so a test can check the engine
 * against them.
 */
public final class History {

    /** The size of a value log's file header and of a record header, from FORMAT.md. */
    public static final int FILE_HEADER = 20;
    public static final int RECORD_HEADER = 27;

    private final List<String> keys;
    private final List<String[]> operations = new ArrayList<>();
    private final List<Map<String, String>> states = new ArrayList<>();
    private final List<Long> recordEnds = new ArrayList<>();

    public History(long seed, int length, int keyCount) {
        Random random = new Random(seed);
        keys = new ArrayList<>();
        for (int i = 0; i < keyCount; i++) {
            keys.add(i == 0 ? "" : i == 1 ? "clé-" + i : "key-" + i);
        }
        Map<String, String> state = new HashMap<>();
        states.add(Map.copyOf(state));
        long end = FILE_HEADER;
        for (int i = 0; i < length; i++) {
            String key = keys.get(random.nextInt(keyCount));
            boolean remove = state.containsKey(key) && random.nextInt(4) == 0;
            String value = remove ? null : "v" + i + "-" + "x".repeat(random.nextInt(40));
            operations.add(new String[] {key, value});
            if (remove) {
                state.remove(key);
            } else {
                state.put(key, value);
            }
            states.add(Map.copyOf(state));
            end += RECORD_HEADER + utf8(key) + (value == null ? 0 : utf8(value));
            recordEnds.add(end);
        }
    }

    private static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /** Applies every operation to {@code store}. */
    public void applyTo(KeyValueStore<String> store) {
        for (String[] operation : operations) {
            if (operation[1] == null) {
                store.remove(operation[0]);
            } else {
                store.put(operation[0], operation[1]);
            }
        }
    }

    public List<String> keys() {
        return keys;
    }

    /** What the store holds after all operations. */
    public Map<String, String> finalState() {
        return states.get(states.size() - 1);
    }

    /** What the store holds after the first {@code count} operations. */
    public Map<String, String> stateAfter(int count) {
        return states.get(count);
    }

    public int size() {
        return operations.size();
    }

    /** The number of operations whose records lie wholly within the first {@code bytes} bytes of the value log. */
    public int operationsWithin(long bytes) {
        int count = 0;
        while (count < recordEnds.size() && recordEnds.get(count) <= bytes) {
            count++;
        }
        return count;
    }

    /** Where the record of operation {@code index} starts in the value log. */
    public long recordStart(int index) {
        return index == 0 ? FILE_HEADER : recordEnds.get(index - 1);
    }

    /** The operation whose record holds byte {@code offset} of the value log, or -1 for the file header. */
    public int operationAt(long offset) {
        for (int i = 0; i < recordEnds.size(); i++) {
            if (offset >= recordStart(i) && offset < recordEnds.get(i)) {
                return i;
            }
        }
        return -1;
    }

    /** The index of the last operation that wrote {@code key}, or -1. */
    public int lastWriteOf(String key) {
        for (int i = operations.size() - 1; i >= 0; i--) {
            if (operations.get(i)[0].equals(key)) {
                return i;
            }
        }
        return -1;
    }
}
