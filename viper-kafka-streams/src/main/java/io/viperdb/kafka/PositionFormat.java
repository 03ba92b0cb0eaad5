package io.viperdb.kafka;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.streams.query.Position;

/**
 * The bytes of a {@link Position} in the store (Kafka's own serializer is internal, so the store has its own):
 *
 * <pre>
 * position   := version=1 (1 byte) topics (int) topic*
 * topic      := name-length (int) name (UTF-8) partitions (int) partition*
 * partition  := partition (int) offset (long)
 * </pre>
 * Numbers are big-endian.
 */
final class PositionFormat {

    private static final byte VERSION = 1;

    private PositionFormat() {
    }

    /** {@return the bytes of {@code position}} */
    static byte[] encode(Position position) {
        // Copied first: the sizes counted must be the sizes written, while the store's position moves on.
        Map<String, Map<Integer, Long>> topics = new LinkedHashMap<>();
        int size = 1 + Integer.BYTES;
        for (String topic : position.getTopics()) {
            Map<Integer, Long> partitions = new LinkedHashMap<>(position.getPartitionPositions(topic));
            topics.put(topic, partitions);
            size += 2 * Integer.BYTES + topic.getBytes(StandardCharsets.UTF_8).length
                    + partitions.size() * (Integer.BYTES + Long.BYTES);
        }
        ByteBuffer out = ByteBuffer.allocate(size).put(VERSION).putInt(topics.size());
        topics.forEach((topic, partitions) -> {
            byte[] name = topic.getBytes(StandardCharsets.UTF_8);
            out.putInt(name.length).put(name).putInt(partitions.size());
            partitions.forEach((partition, offset) -> out.putInt(partition).putLong(offset));
        });
        return out.array();
    }

    /**
     * {@return the position of {@code bytes}}
     *
     * @throws IllegalArgumentException if they are not a position of a version this class reads
     */
    static Position decode(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        byte version = in.get();
        if (version != VERSION) {
            throw new IllegalArgumentException("Unknown version " + version + " of a stored Position; this version of "
                    + "viper-kafka-streams reads version " + VERSION);
        }
        Position position = Position.emptyPosition();
        for (int topics = in.getInt(); topics > 0; topics--) {
            byte[] name = new byte[in.getInt()];
            in.get(name);
            String topic = new String(name, StandardCharsets.UTF_8);
            for (int partitions = in.getInt(); partitions > 0; partitions--) {
                position.withComponent(topic, in.getInt(), in.getLong());
            }
        }
        return position;
    }
}
