package io.viperdb;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What {@link KeyValueStore#salvage(Path, Path, StoreOptions)} read from a damaged store and wrote into the new one:
 * the records whose checksums passed, the damaged ranges it skipped, and the keys it knows it lost.
 *
 * <p>A key is <em>lost</em> when its latest record lay in a damaged range and the store's key log still said so (a
 * sound hint for that record): salvage then leaves the key out rather than give back an older value. A key whose
 * latest record was damaged together with its hint cannot be known to be lost; it holds its latest value that could
 * be read, if any.
 *
 * @param recordsRead the value log records whose checksums passed, of every kind (puts, deletes, batch markers)
 * @param recordsCopied the records written into the new store: one put per key it holds
 * @param keys the keys the new store holds
 * @param damagedRanges every range of a store file that could not be read, in the order the files were read;
 *     empty when nothing was skipped
 * @param lostKeys the keys left out because their latest record lay in a damaged range, in byte order; a key that is
 *     not UTF-8 text is shown in hexadecimal ({@code 0x...})
 */
public record SalvageReport(long recordsRead, long recordsCopied, long keys, List<Damage> damagedRanges,
        List<String> lostKeys) {

    /**
     * Checks and copies the lists, so that the report is immutable.
     *
     * @param recordsRead the value log records whose checksums passed
     * @param recordsCopied the records written into the new store
     * @param keys the keys the new store holds
     * @param damagedRanges every range of a store file that could not be read
     * @param lostKeys the keys left out because their latest record lay in a damaged range
     * @throws NullPointerException if a list or an element is null
     */
    public SalvageReport {
        damagedRanges = List.copyOf(damagedRanges);
        lostKeys = List.copyOf(lostKeys);
    }

    /**
     * Whether nothing was skipped: no damaged range was found in any file, so the new store holds every key the
     * damaged one held.
     *
     * @return true when {@link #damagedRanges()} is empty
     */
    public boolean complete() {
        return damagedRanges.isEmpty();
    }

    /**
     * A range of a store file that salvage could not read and skipped.
     *
     * @param file the file it is in
     * @param offset where the range starts, in bytes from the start of the file
     * @param length how many bytes it spans; 0 for a file that is missing, or for a problem that skipped no bytes
     *     (a batch whose commit was lost, for example)
     * @param problem what is wrong, for a person
     */
    public record Damage(Path file, long offset, long length, String problem) {

        /**
         * Checks the fields.
         *
         * @param file the file it is in
         * @param offset where the range starts
         * @param length how many bytes it spans
         * @param problem what is wrong
         * @throws NullPointerException if {@code file} or {@code problem} is null
         * @throws IllegalArgumentException if {@code offset} or {@code length} is negative
         */
        public Damage {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(problem, "problem");
            if (offset < 0 || length < 0) {
                throw new IllegalArgumentException("offset and length must not be negative: " + offset + ", "
                        + length);
            }
        }

        /**
         * The range for a person, as {@code FILE at offset N (M bytes): problem}.
         *
         * @return the file, offset, length and problem in one line
         */
        @Override
        public String toString() {
            return file + " at offset " + offset + " (" + length + (length == 1 ? " byte" : " bytes") + "): "
                    + problem;
        }
    }
}
