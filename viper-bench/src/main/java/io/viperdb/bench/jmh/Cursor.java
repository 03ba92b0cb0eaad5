package io.viperdb.bench.jmh;

import io.viperdb.bench.workload.Key;
import io.viperdb.bench.workload.Workload;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * A thread's place in the precomputed access sequences, and its scratch arrays for a batch of writes. Threads start
 * at different places, so two threads do not touch the same keys in step.
 */
@State(Scope.Thread)
public class Cursor {

    private static final int MASK = Workload.SEQUENCE_LENGTH - 1;

    final Key[] batchKeys = new Key[Workload.BATCH];
    final byte[][] batchValues = new byte[Workload.BATCH][];
    private int position;
    private int generation;

    @Setup(Level.Trial)
    public void start(ThreadParams thread) {
        position = thread.getThreadIndex() * (Workload.SEQUENCE_LENGTH / Math.max(1, thread.getThreadCount()));
        // Later writes carry other values than the fill (generation 0) wrote.
        generation = 1 + thread.getThreadIndex();
    }

    /** The next key index of {@code sequence}. */
    int next(int[] sequence) {
        return sequence[position++ & MASK];
    }

    /** Fills the batch arrays with the next {@link Workload#BATCH} keys of {@code sequence} and their new values. */
    void nextBatch(LoadedStore loaded, int[] sequence) {
        for (int i = 0; i < Workload.BATCH; i++) {
            int index = next(sequence);
            batchKeys[i] = loaded.keys[index];
            batchValues[i] = loaded.workload.value(index, generation);
        }
        generation++;
    }
}
