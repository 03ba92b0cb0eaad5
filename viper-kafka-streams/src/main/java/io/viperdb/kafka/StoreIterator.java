package io.viperdb.kafka;

import io.viperdb.Cursor;
import io.viperdb.StoreClosedException;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Consumer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * A Kafka iterator over a ViperDB {@link Cursor} of the data key space: user keys in byte order (or its reverse),
 * never a null value. A cursor reads a value when asked and gives null for a key removed since the cursor passed it;
 * this iterator reads each value as it looks ahead, and skips such keys, so that {@link #peekNextKey()} names a key
 * that {@link #next()} returns.
 *
 * <p>For one thread, as Kafka's iterators are. Once closed, or once its store is closed, every method but
 * {@link #close()} throws {@link InvalidStateStoreException}.
 */
final class StoreIterator implements KeyValueIterator<Bytes, byte[]> {

    private final String storeName;
    private final Cursor<byte[], byte[]> cursor;
    private final Consumer<StoreIterator> onClose;
    private KeyValue<Bytes, byte[]> next;
    private volatile boolean closed;

    StoreIterator(String storeName, Cursor<byte[], byte[]> cursor, Consumer<StoreIterator> onClose) {
        this.storeName = storeName;
        this.cursor = cursor;
        this.onClose = onClose;
    }

    @Override
    public boolean hasNext() {
        if (closed) {
            throw new InvalidStateStoreException("An iterator of state store " + storeName + " has been closed");
        }
        try {
            while (next == null && cursor.hasNext()) {
                Map.Entry<byte[], byte[]> entry = cursor.next();
                byte[] value = entry.getValue();
                if (value != null) {
                    next = KeyValue.pair(KeySpace.user(entry.getKey()), value);
                }
            }
        } catch (StoreClosedException e) {
            throw new InvalidStateStoreException("State store " + storeName + " is currently closed", e);
        }
        return next != null;
    }

    @Override
    public KeyValue<Bytes, byte[]> next() {
        if (!hasNext()) {
            throw new NoSuchElementException("No more entries in this iterator of state store " + storeName);
        }
        KeyValue<Bytes, byte[]> entry = next;
        next = null;
        return entry;
    }

    @Override
    public Bytes peekNextKey() {
        if (!hasNext()) {
            throw new NoSuchElementException("No more entries in this iterator of state store " + storeName);
        }
        return next.key;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            cursor.close();
            onClose.accept(this);
        }
    }
}
