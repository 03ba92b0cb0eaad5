package io.viperdb.engine.store;

import io.viperdb.Cursor;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A scan's cursor: walks the keys that {@link ByteStore#orderedKeys} gives in order, returns those that are live
 * when it reaches them, shown as {@code K} ({@code byte[]}, or {@code String} for the text face, which skips keys
 * that are not text), and reads each value only when the entry's value is asked for.
 *
 * <p>Liveness is judged when the cursor moves to a key ({@link #hasNext}, {@link #peekNextKey}), against the index,
 * so a key removed or expired before the cursor reaches it is skipped; its value is read later, through the index
 * again, so it is the key's value then (null if it has gone since).
 */
final class StoreCursor<K, V> implements Cursor<K, V> {

    private final ByteStore store;
    private final Iterator<byte[]> keys;
    private final Function<byte[], K> shown;
    private final BiFunction<byte[], ByteBuffer, V> decoder;
    private byte[] nextKey;
    private K nextShown;
    private boolean closed;

    /**
     * @param keys the candidate keys, in the scan's order, each a copy the cursor may hand out
     * @param shown a key as the caller sees it, or null to skip it
     */
    StoreCursor(ByteStore store, Iterator<byte[]> keys, Function<byte[], K> shown,
            BiFunction<byte[], ByteBuffer, V> decoder) {
        this.store = store;
        this.keys = keys;
        this.shown = shown;
        this.decoder = decoder;
    }

    @Override
    public boolean hasNext() {
        ensureUsable();
        while (nextKey == null && keys.hasNext()) {
            byte[] key = keys.next();
            if (store.isLive(key)) {
                K view = shown.apply(key);
                if (view != null) {
                    nextKey = key;
                    nextShown = view;
                }
            }
        }
        return nextKey != null;
    }

    @Override
    public K peekNextKey() {
        if (!hasNext()) {
            throw new NoSuchElementException("The scan has no more keys");
        }
        return nextShown;
    }

    @Override
    public Map.Entry<K, V> next() {
        if (!hasNext()) {
            throw new NoSuchElementException("The scan has no more keys");
        }
        ScanEntry<K, V> entry = new ScanEntry<>(store, nextKey, nextShown, decoder);
        nextKey = null;
        nextShown = null;
        return entry;
    }

    @Override
    public void close() {
        closed = true;
        nextKey = null;
        nextShown = null;
    }

    private void ensureUsable() {
        if (closed) {
            throw new IllegalStateException("This cursor is closed");
        }
        store.ensureOpen();
    }

    /** An entry whose value is read when first asked for, then kept. */
    private static final class ScanEntry<K, V> implements Map.Entry<K, V> {

        private final ByteStore store;
        private final byte[] key;
        private final K shown;
        private final BiFunction<byte[], ByteBuffer, V> decoder;
        private boolean read;
        private V value;

        ScanEntry(ByteStore store, byte[] key, K shown, BiFunction<byte[], ByteBuffer, V> decoder) {
            this.store = store;
            this.key = key;
            this.shown = shown;
            this.decoder = decoder;
        }

        @Override
        @SuppressWarnings("unchecked")
        public K getKey() {
            // A byte key is handed out as a copy each time, so no caller can change another's.
            return shown instanceof byte[] bytes ? (K) bytes.clone() : shown;
        }

        @Override
        public V getValue() {
            if (!read) {
                value = store.read(key, decoder);
                read = true;
            }
            return value;
        }

        @Override
        public V setValue(V value) {
            throw new UnsupportedOperationException("A scan's entries are read-only; put the key in the store");
        }

        @Override
        public String toString() {
            return io.viperdb.spi.KeyText.describe(key) + "=" + (read ? value : "(not read)");
        }
    }
}
