package io.viperdb.engine.index;

import io.viperdb.Direction;
import io.viperdb.KeyRange;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The keys of a range in order, from one view of a {@link KeyDirectory}'s ordered index ({@link OrderedKeys}): each
 * key once, as a new array. It sees every key the directory held when it was made; keys added later may or may not
 * appear, and it may return keys removed since (or stale ones: the ordered index drops removed keys lazily), so its
 * caller judges each key's liveness, with {@link #knownLive()}'s help, when it reaches it.
 *
 * <p>It merges the view's sorted runs, and the range's keys of the view's tail sorted when the scan is made, keeping
 * one position in each; no lock, and nothing to release. For one thread.
 */
public final class KeyScan implements Iterator<byte[]> {

    /** How many keys of a source {@link #touchAhead} reads at once. */
    private static final int TOUCH_GROUP = 16;

    private final KeyDirectory directory;
    private final OrderedKeys.View view;
    private final KeyArena.Pages pages;
    private final boolean forward;
    /** The bound the scan stops at: the range's end going forward, its first key going back; null when open. */
    private final byte[] stop;
    private final long stopPrefix;
    // One source per run, and the last for the tail's keys in range.
    private final long[][] words;
    private final int[][] lows;
    private final int[] positions;
    private final int[] limits;
    private final boolean[] same;
    /** Per source, the position at which {@link #touchAhead} reads the next group. */
    private final int[] nextTouch;
    /** The entries of the next key: one per source that holds it. */
    private long[] nextWords;
    private int[] nextLows;
    private int nextEntries;
    private byte[] next;
    private boolean lastKnownLive;
    /** Keeps the reads of {@link #touchAhead} from being optimized away. */
    private int touched;

    KeyScan(KeyDirectory directory, OrderedKeys.View view, KeyRange range, Direction direction) {
        this.directory = directory;
        this.view = view;
        int tailCount = view.tailCount;
        this.pages = view.arena.pages();
        this.forward = direction == Direction.FORWARD;
        byte[] first = range.first();
        byte[] end = range.end();
        this.stop = forward ? end : first;
        this.stopPrefix = stop == null ? 0 : OrderedKeys.prefix(stop, 0, stop.length);
        int sources = view.runs.length + 1;
        words = new long[sources][];
        lows = new int[sources][];
        positions = new int[sources];
        limits = new int[sources];
        same = new boolean[sources];
        nextTouch = new int[sources];
        nextWords = new long[sources];
        nextLows = new int[sources];
        if (range.isEmpty()) {
            return;
        }
        for (int s = 0; s < view.runs.length; s++) {
            words[s] = view.runs[s].words();
            lows[s] = view.runs[s].lows();
        }
        OrderedKeys.Run tail = tailInRange(view, tailCount, range);
        words[sources - 1] = tail.words();
        lows[sources - 1] = tail.lows();
        for (int s = 0; s < sources; s++) {
            limits[s] = words[s].length;
            if (forward) {
                positions[s] = first == null ? 0 : lowerBound(s, first);
            } else {
                positions[s] = (end == null ? limits[s] : lowerBound(s, end)) - 1;
            }
            touchAhead(s);
        }
        advance();
    }

    /** The tail's entries in {@code range}, sorted. */
    private OrderedKeys.Run tailInRange(OrderedKeys.View v, int count, KeyRange range) {
        long[] inWords = new long[count];
        int[] inLows = new int[count];
        byte[] first = range.first();
        byte[] end = range.end();
        long firstPrefix = first == null ? 0 : OrderedKeys.prefix(first, 0, first.length);
        long endPrefix = end == null ? 0 : OrderedKeys.prefix(end, 0, end.length);
        int n = 0;
        for (int i = 0; i < count; i++) {
            long word = v.tailWords[i];
            int low = v.tailLows[i];
            if ((first == null || OrderedKeys.compare(word, low, first, firstPrefix, pages) >= 0)
                    && (end == null || OrderedKeys.compare(word, low, end, endPrefix, pages) < 0)) {
                inWords[n] = word;
                inLows[n++] = low;
            }
        }
        return OrderedKeys.sorted(inWords, inLows, n, pages);
    }

    /** The first position in source {@code s} whose key is not before {@code key}. */
    private int lowerBound(int s, byte[] key) {
        long prefix = OrderedKeys.prefix(key, 0, key.length);
        long[] w = words[s];
        int[] l = lows[s];
        int low = 0;
        int high = w.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (OrderedKeys.compare(w[mid], l[mid], key, prefix, pages) < 0) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    private boolean exhausted(int s) {
        int p = positions[s];
        if (p < 0 || p >= limits[s]) {
            return true;
        }
        if (stop == null) {
            return false;
        }
        int c = OrderedKeys.compare(words[s][p], lows[s][p], stop, stopPrefix, pages);
        return forward ? c >= 0 : c < 0;
    }

    /**
     * Finds the next key across the sources (the least going forward, the greatest going back), and moves every
     * source that holds it past it, so that a key held twice (a stale entry beside a live one) is returned once.
     */
    private void advance() {
        int best = -1;
        for (int s = 0; s < words.length; s++) {
            same[s] = false;
            if (words[s] == null || exhausted(s)) {
                continue;
            }
            if (best < 0) {
                best = s;
                same[s] = true;
                continue;
            }
            int c = OrderedKeys.compare(words[s][positions[s]], lows[s][positions[s]], words[best][positions[best]],
                    lows[best][positions[best]], pages);
            if (c == 0) {
                same[s] = true;
            } else if (forward ? c < 0 : c > 0) {
                Arrays.fill(same, 0, s, false);
                best = s;
                same[s] = true;
            }
        }
        if (best < 0) {
            next = null;
            return;
        }
        next = OrderedKeys.key(words[best][positions[best]], lows[best][positions[best]], pages);
        // Liveness is judged when the caller reaches the key (next()), from the entries noted here.
        nextEntries = 0;
        long[] bestWords = words[best];
        int[] bestLows = lows[best];
        int at = positions[best];
        long word = bestWords[at];
        int low = bestLows[at];
        for (int s = 0; s < words.length; s++) {
            // A run may hold a key more than once too: removed and put again before the runs were merged.
            while (same[s]) {
                int p = positions[s];
                note(words[s][p], lows[s][p]);
                positions[s] = forward ? p + 1 : p - 1;
                if (positions[s] == nextTouch[s]) {
                    touchAhead(s);
                }
                same[s] = !exhausted(s)
                        && OrderedKeys.compare(words[s][positions[s]], lows[s][positions[s]], word, low, pages) == 0;
            }
        }
    }

    /**
     * Reads the arena entries of the next {@value #TOUCH_GROUP} positions of source {@code s} one after another, before
     * the scan reaches them, so that their cache misses overlap instead of following one another: keys are in the
     * arena in the order they were added, so a scan in key order reads it at random, and those misses were most of
     * its time.
     */
    private void touchAhead(int s) {
        int p = positions[s];
        int sum = 0;
        for (int i = 0; i < TOUCH_GROUP && p >= 0 && p < limits[s]; i++, p += forward ? 1 : -1) {
            sum += OrderedKeys.header(words[s][p], lows[s][p], pages);
        }
        touched += sum;
        nextTouch[s] = p;
    }

    /** Notes an entry of the next key. */
    private void note(long word, int low) {
        if (nextEntries == nextWords.length) {
            nextWords = Arrays.copyOf(nextWords, 2 * nextEntries);
            nextLows = Arrays.copyOf(nextLows, 2 * nextEntries);
        }
        nextWords[nextEntries] = word;
        nextLows[nextEntries++] = low;
    }

    @Override
    public boolean hasNext() {
        return next != null;
    }

    @Override
    public byte[] next() {
        if (next == null) {
            throw new NoSuchElementException();
        }
        byte[] key = next;
        lastKnownLive = currentlyLive();
        advance();
        return key;
    }

    /**
     * Whether one of the next key's entries is its key's entry in the hash table now, and the key never expires. An
     * entry stops being its key's only when the writer marks it garbage ({@link KeyArena#markDead}), inside a write
     * of the directory's sequence lock: reading the sequence first makes every such mark of a write that ended before
     * this call visible. Only in the arena the directory uses now: one that a rebuild left behind is no longer marked.
     */
    private boolean currentlyLive() {
        directory.version();
        if (!directory.arenaIs(view.arena)) {
            return false;
        }
        for (int i = 0; i < nextEntries; i++) {
            int header = OrderedKeys.header(nextWords[i], nextLows[i], pages);
            if (!KeyArena.isDead(header) && !KeyArena.hasExpiryField(header)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the key {@link #next()} returned last is live, as far as this scan can tell without the hash table:
     * true if its entry in the ordered index is its key's current entry and the key never expires; false when the
     * caller must ask the directory.
     */
    public boolean knownLive() {
        return lastKnownLive;
    }
}
