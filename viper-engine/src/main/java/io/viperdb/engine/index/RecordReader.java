package io.viperdb.engine.index;

import io.viperdb.engine.format.RecordHeader;
import io.viperdb.engine.log.Segment;

/**
 * What a {@link KeyDirectory#read read} does with the record an entry points to. The directory finds the entries
 * that may be the key's and hands each one's record to the reader; the reader checks the record, and the key in it,
 * and returns what the read returns.
 *
 * <p>Most entries are handed over on their fingerprint alone: the key held in the directory is not compared, because
 * the record holds the key too, and the reader has to check that one anyway. That saves the read a cache miss. A
 * reader given such an entry ({@code keyChecked} false) that finds a record that is not a sound put of {@code key}
 * returns {@link #OTHER_KEY} rather than throw: either the entry is another key's (their fingerprints are equal) and
 * the directory goes on to the next entry, or it is the key's own and its record is damaged, and the directory hands
 * it over again with {@code keyChecked} true. With {@code keyChecked} true the entry is the key's, so the reader
 * reports whatever is wrong with its record.
 *
 * @param <C> what the caller passes through to the reader, so that the reader need not be made for each read
 */
@FunctionalInterface
public interface RecordReader<C> {

    /** Returned by a reader given an entry whose key was not checked: the record is not a sound put of the key. */
    Object OTHER_KEY = new Object() {
        @Override
        public String toString() {
            return "OTHER_KEY";
        }
    };

    /** Returned by a reader whose segment has been released (a reclaim moved the record): the directory reads again. */
    Object RELEASED = new Object() {
        @Override
        public String toString() {
            return "RELEASED";
        }
    };

    /**
     * Reads the record of an entry that may be {@code key}'s.
     *
     * @param key the key being read
     * @param context what the caller of {@link KeyDirectory#read} passed
     * @param segment the segment whose value log holds the record
     * @param offset where the record starts
     * @param length the length of the whole record
     * @param expiry when the entry's key expires, {@link RecordHeader#NO_EXPIRY} for never
     * @param keyChecked true if the directory has found that the entry is {@code key}'s
     * @return what the read returns (null for absent), {@link #OTHER_KEY} (only when {@code keyChecked} is false) or
     *     {@link #RELEASED}
     */
    Object read(String key, C context, Segment segment, long offset, int length, long expiry, boolean keyChecked);
}
