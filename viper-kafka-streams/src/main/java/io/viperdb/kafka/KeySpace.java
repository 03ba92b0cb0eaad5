package io.viperdb.kafka;

import io.viperdb.KeyRange;
import io.viperdb.KeyValueStore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Bytes;

/**
 * Where each kind of key lives in the ViperDB store. Every stored key starts with one tag byte:
 *
 * <pre>
 * stored key  := 0x01 user-key                          a key Kafka wrote (get, range, all see only these)
 *              | 0x00 'o' topic 0x00 partition          a committed changelog offset: value = offset (8 bytes)
 *              | 0x00 'p'                               the Position at the last commit: value = {@link PositionFormat}
 *              | 0x00 's'                               the status: value = "open" or "closed" (UTF-8)
 * partition   := 4 bytes, big-endian
 * </pre>
 *
 * <p>All user keys share one tag, so their unsigned byte order ({@code Bytes.compareTo}) is the order of their stored
 * keys, and a range of user keys is a range of stored keys that no metadata key can fall into. Topic names never hold
 * a zero byte (Kafka allows {@code [a-zA-Z0-9._-]} only), so the 0x00 after the topic ends it.
 */
final class KeySpace {

    static final byte METADATA = 0x00;
    static final byte DATA = 0x01;

    /** The longest user key: ViperDB's longest key less the tag. */
    static final int MAX_USER_KEY_BYTES = KeyValueStore.MAX_KEY_BYTES - 1;

    static final byte[] STATUS = {METADATA, 's'};
    static final byte[] POSITION = {METADATA, 'p'};
    private static final byte[] OFFSETS = {METADATA, 'o'};

    /** The range of every user key. */
    static final KeyRange ALL_DATA = KeyRange.prefix(new byte[] {DATA});
    /** The range of every committed offset. */
    static final KeyRange ALL_OFFSETS = KeyRange.prefix(OFFSETS);

    private KeySpace() {
    }

    /**
     * {@return the stored key of a user key}
     *
     * @throws NullPointerException if the key is null
     * @throws IllegalArgumentException if it is longer than {@link #MAX_USER_KEY_BYTES}
     */
    static byte[] stored(Bytes key) {
        if (key == null) {
            throw new NullPointerException("key cannot be null");
        }
        return tagged(key.get());
    }

    private static byte[] tagged(byte[] user) {
        if (user.length > MAX_USER_KEY_BYTES) {
            throw new IllegalArgumentException("A ViperDB state store takes keys of at most " + MAX_USER_KEY_BYTES
                    + " bytes (ViperDB's " + KeyValueStore.MAX_KEY_BYTES + " less a one-byte tag); this key has "
                    + user.length);
        }
        byte[] stored = new byte[user.length + 1];
        stored[0] = DATA;
        System.arraycopy(user, 0, stored, 1, user.length);
        return stored;
    }

    /** {@return the user key of a stored key of the data space} */
    static Bytes user(byte[] stored) {
        return Bytes.wrap(Arrays.copyOfRange(stored, 1, stored.length));
    }

    /**
     * {@return the stored keys of the user keys from {@code from} to {@code to}, both inclusive; a null end is open}
     * The caller has checked that {@code from} is not after {@code to}.
     */
    static KeyRange closed(Bytes from, Bytes to) {
        byte[] first = from == null ? new byte[] {DATA} : stored(from);
        if (to == null) {
            return KeyRange.between(first, new byte[] {DATA + 1});
        }
        return KeyRange.closed(first, stored(to));
    }

    /** {@return the stored keys of the user keys that start with {@code prefix}} */
    static KeyRange prefix(byte[] prefix) {
        return KeyRange.prefix(tagged(prefix));
    }

    /** {@return the key under which the committed offset of {@code partition} is stored} */
    static byte[] offset(TopicPartition partition) {
        byte[] topic = partition.topic().getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(OFFSETS.length + topic.length + 1 + Integer.BYTES)
                .put(OFFSETS).put(topic).put((byte) 0).putInt(partition.partition()).array();
    }

    /** {@return the partition whose offset is stored under {@code key}, a key of {@link #ALL_OFFSETS}} */
    static TopicPartition partitionOf(byte[] key) {
        int topicEnd = key.length - Integer.BYTES - 1;
        String topic = new String(key, OFFSETS.length, topicEnd - OFFSETS.length, StandardCharsets.UTF_8);
        return new TopicPartition(topic, ByteBuffer.wrap(key, topicEnd + 1, Integer.BYTES).getInt());
    }

    /** {@return an offset as the 8 bytes stored} */
    static byte[] offsetValue(long offset) {
        return ByteBuffer.allocate(Long.BYTES).putLong(offset).array();
    }

    /** {@return the offset of the 8 bytes stored} */
    static long offsetOf(byte[] value) {
        return ByteBuffer.wrap(value).getLong();
    }
}
