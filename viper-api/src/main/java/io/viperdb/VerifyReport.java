package io.viperdb;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link KeyValueStore#verify()} found: every record of every file read and its checksum checked.
 *
 * @param recordsChecked the records (value log records and key log hints) that were read
 * @param bytesChecked the bytes those records take
 * @param problems every problem found, with its file and offset; empty when the store is sound
 */
public record VerifyReport(long recordsChecked, long bytesChecked, List<Problem> problems) {

    /**
     * Creates the report, with a copy of {@code problems}.
     *
     * @param recordsChecked the records that were read
     * @param bytesChecked the bytes those records take
     * @param problems every problem found
     */
    public VerifyReport {
        problems = List.copyOf(problems);
    }

    /** {@return true when no problem was found} */
    public boolean sound() {
        return problems.isEmpty();
    }

    /**
     * One problem.
     *
     * @param file the file it is in
     * @param offset where in the file
     * @param description what is wrong
     */
    public record Problem(Path file, long offset, String description) {

        @Override
        public String toString() {
            return file + " at offset " + offset + ": " + description;
        }
    }
}
