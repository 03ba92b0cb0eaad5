package io.viperdb.kafka;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The child JVM of {@link CrashTest}: under exactly-once, writes record after record (record {@code n} puts key
 * {@code n} with the value {@code n}) and commits the changelog offset every {@value #COMMIT_EVERY} records, printing
 * {@code COMMITTED n} once a commit of offset {@code n} has returned, until it is killed. Between two commits the
 * writes outgrow ViperDB's write buffer, so a kill often leaves writes past the last commit in the files: the ones
 * exactly-once must not keep.
 */
public final class CrashWorker {

    static final TopicPartition CHANGELOG = new TopicPartition("crash-changelog", 0);
    static final int COMMIT_EVERY = 5000;

    private CrashWorker() {
    }

    /**
     * Runs the worker.
     *
     * @param args the state directory
     */
    public static void main(String[] args) {
        TestContext context = new TestContext(Path.of(args[0])).exactlyOnce();
        KeyValueStore<Bytes, byte[]> store = context.open("crash");
        System.out.println("READY");
        for (long offset = 0; ; offset++) {
            context.processing("input", 0, offset);
            store.put(key(offset), value(offset));
            if ((offset + 1) % COMMIT_EVERY == 0) {
                store.commit(Map.of(CHANGELOG, offset + 1));
                System.out.println("COMMITTED " + (offset + 1));
            }
        }
    }

    static Bytes key(long offset) {
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES).putLong(offset).array());
    }

    static byte[] value(long offset) {
        return ("value-" + offset).getBytes();
    }
}
