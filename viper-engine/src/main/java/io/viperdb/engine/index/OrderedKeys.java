package io.viperdb.engine.index;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * The keys of a {@link KeyDirectory} in unsigned byte order, kept as the directory changes, for scans: the one class
 * that knows the ordered index's layout.
 *
 * <h2>Layout</h2>
 * An entry is a key's {@link KeyArena} reference with the first bytes of its key, in 12 bytes:
 * <pre>
 * word  := prefix:56 | reference bits 32 and up:8     (a long; the prefix is the key's first 7 bytes, big-endian,
 *                                                      zero-padded, so that unsigned order of words is key order
 *                                                      wherever prefixes differ)
 * low   := reference bits 0 to 31                      (an int)
 * </pre>
 * Entries are in sorted runs (a {@code long[]} of words beside an {@code int[]} of lows, each run immutable once
 * made) and in a tail of at most {@value #TAIL} recent ones in the order they came. A full tail is sorted into a run,
 * and runs merge while the one before is less than {@value #FANOUT} times the size of the new one, so there are
 * a few runs of sizes falling by at least that factor, and an entry is copied a few times in its life, never a
 * sort of everything at each change. Two keys whose prefixes tie are compared in the arena.
 *
 * <p>A removed key's entry stays until the merge that drops it: {@link KeyArena#markDead} marks its arena entry as
 * garbage when the directory removes the key (or moves its entry), and when more than a quarter of the entries are
 * such, the next sort of the tail merges everything into one run without them. So a key may have a stale entry
 * beside its live one; a scan returns each key once (equal keys meet in a merge) and asks about liveness of keys it
 * cannot vouch for in the hash table.
 *
 * <h2>Concurrency</h2>
 * One writer, the directory's. Readers take no lock: a {@link View} is published whole through a volatile field,
 * its runs never change, and its tail is only appended to, its count written last (volatile). A scan takes the view
 * and the tail count once, so it sees every key added before it began and never a torn entry. References stay
 * valid in the view's arena for as long as the scan holds it: a rebuild of the hash table that copies the arena whole
 * keeps every reference ({@link #rebase}), and one that compacts it publishes a new view ({@link #rebuild}).
 */
final class OrderedKeys {

    /** How many entries the tail takes before it is sorted into a run. */
    static final int TAIL = 2048;
    /** A run is merged into the run before it while that one is less than this many times as large. */
    static final int FANOUT = 4;
    /** Bytes of key in an entry's word. */
    static final int PREFIX_BYTES = 7;
    private static final int REF_LOW_BITS = Integer.SIZE;
    private static final long REF_HIGH_MASK = 0xFF;
    private static final long PREFIX_MASK = ~REF_HIGH_MASK;
    private static final int INSERTION_SORT_BELOW = 24;

    static {
        if (KeyArena.REF_BITS > REF_LOW_BITS + 8) {
            throw new AssertionError("an ordered entry holds references of up to 40 bits");
        }
    }

    /** A sorted run: entry {@code i} is {@code words[i]} and {@code lows[i]}. Never changed once published. */
    record Run(long[] words, int[] lows) {

        int size() {
            return words.length;
        }

        static final Run EMPTY = new Run(new long[0], new int[0]);
    }

    /** What readers take whole: the arena the references point into, the runs (largest first) and the tail. */
    static final class View {
        final KeyArena arena;
        final Run[] runs;
        final long[] tailWords;
        final int[] tailLows;
        /** Written by the writer after the entry it counts. */
        volatile int tailCount;

        View(KeyArena arena, Run[] runs) {
            this.arena = arena;
            this.runs = runs;
            this.tailWords = new long[TAIL];
            this.tailLows = new int[TAIL];
        }
    }

    private volatile View view;
    /**
     * The order an index file holds, until it is first needed: read then, so that opening a store from its index
     * file does not read it (see {@link #loadLater}); null once read, or if there is none.
     */
    private volatile Supplier<Run> saved;

    // The writer's state.
    /** Entries whose arena entry is garbage (their key removed or moved), in the runs or the tail. */
    private long dead;
    /** False while a replay fills the directory: the order is then made by one sort ({@link #rebuild}). */
    private boolean maintained;

    /** An empty ordered index over {@code arena}, kept up to date if {@code maintained}. */
    OrderedKeys(KeyArena arena, boolean maintained) {
        this.view = new View(arena, new Run[0]);
        this.maintained = maintained;
    }

    /** The current view, for a reader. */
    View view() {
        loaded();
        return view;
    }

    /** Reads the saved order if it has not been yet: every use of the order but {@link #died} comes here first. */
    private void loaded() {
        if (saved != null) {
            loadSaved();
        }
    }

    private synchronized void loadSaved() {
        Supplier<Run> pending = saved;
        if (pending != null) {
            Run run = pending.get();
            view = new View(view.arena, run.size() == 0 ? new Run[0] : new Run[] {run});
            saved = null;
        }
    }

    boolean maintained() {
        return maintained;
    }

    // ------------------------------------------------------------------------------------------------- encoding

    /** The word of an entry for the key {@code key[start, start + length)} at arena reference {@code ref}. */
    static long word(byte[] key, int start, int length, long ref) {
        return prefix(key, start, length) | ref >>> REF_LOW_BITS;
    }

    /** The first {@value #PREFIX_BYTES} bytes of a key, big-endian and zero-padded, in the top bits of a long. */
    static long prefix(byte[] key, int start, int length) {
        long prefix = 0;
        int n = Math.min(PREFIX_BYTES, length);
        for (int i = 0; i < n; i++) {
            prefix |= (key[start + i] & 0xFFL) << (56 - 8 * i);
        }
        return prefix;
    }

    /** {@link #word(byte[], int, int, long)} of a key in the arena page {@code page}. */
    static long word(ByteBuffer page, int start, int length, long ref) {
        long prefix = 0;
        int n = Math.min(PREFIX_BYTES, length);
        for (int i = 0; i < n; i++) {
            prefix |= (page.get(start + i) & 0xFFL) << (56 - 8 * i);
        }
        return prefix | ref >>> REF_LOW_BITS;
    }

    /** The arena reference of an entry. */
    static long ref(long word, int low) {
        return (word & REF_HIGH_MASK) << REF_LOW_BITS | (low & 0xFFFFFFFFL);
    }

    /** Compares two entries by their keys: prefixes first, then the keys in the arena's {@code pages}. */
    static int compare(long wordA, int lowA, long wordB, int lowB, KeyArena.Pages pages) {
        int byPrefix = Long.compareUnsigned(wordA & PREFIX_MASK, wordB & PREFIX_MASK);
        if (byPrefix != 0) {
            return byPrefix;
        }
        long a = ref(wordA, lowA);
        long b = ref(wordB, lowB);
        ByteBuffer pageA = pages.get((int) (a >>> KeyArena.PAGE_SHIFT));
        ByteBuffer pageB = pages.get((int) (b >>> KeyArena.PAGE_SHIFT));
        return IndexBuffers.compare(pageA, KeyArena.keyStart(a), lengthOf(pageA, a), pageB, KeyArena.keyStart(b),
                lengthOf(pageB, b));
    }

    /** Compares an entry with the key {@code key}, whose {@link #prefix} is {@code keyPrefix}. */
    static int compare(long word, int low, byte[] key, long keyPrefix, KeyArena.Pages pages) {
        int byPrefix = Long.compareUnsigned(word & PREFIX_MASK, keyPrefix);
        if (byPrefix != 0) {
            return byPrefix;
        }
        long ref = ref(word, low);
        ByteBuffer page = pages.get((int) (ref >>> KeyArena.PAGE_SHIFT));
        return IndexBuffers.compare(page, KeyArena.keyStart(ref), lengthOf(page, ref), key);
    }

    /** The key of an entry, copied. */
    static byte[] key(long word, int low, KeyArena.Pages pages) {
        long ref = ref(word, low);
        ByteBuffer page = pages.get((int) (ref >>> KeyArena.PAGE_SHIFT));
        return IndexBuffers.bytes(page, KeyArena.keyStart(ref), lengthOf(page, ref));
    }

    /** The header of an entry's arena entry. */
    static int header(long word, int low, KeyArena.Pages pages) {
        long ref = ref(word, low);
        return KeyArena.header(pages.get((int) (ref >>> KeyArena.PAGE_SHIFT)), KeyArena.offset(ref));
    }

    private static int lengthOf(ByteBuffer page, long ref) {
        return KeyArena.keyLength(KeyArena.header(page, KeyArena.offset(ref)));
    }

    // ---------------------------------------------------------------------------------------------------- writes

    /** Adds the key {@code key[start, start + length)}, new in the directory at arena reference {@code ref}. */
    void add(long ref, byte[] key, int start, int length) {
        if (!maintained) {
            return;
        }
        loaded();
        View v = view;
        int i = v.tailCount;
        v.tailWords[i] = word(key, start, length, ref);
        v.tailLows[i] = (int) ref;
        v.tailCount = i + 1;
        if (i + 1 == TAIL) {
            flush(v);
        }
    }

    /** Notes that an entry's arena entry has been {@linkplain KeyArena#markDead marked} garbage. */
    void died() {
        if (maintained) {
            dead++;
        }
    }

    /** Sorts the tail into a run and merges runs as the layout says; publishes a view with an empty tail. */
    private void flush(View v) {
        KeyArena.Pages pages = v.arena.pages();
        Run merged = sorted(v.tailWords, v.tailLows, v.tailCount, pages);
        List<Run> runs = new ArrayList<>(Arrays.asList(v.runs));
        long entries = merged.size();
        for (Run run : runs) {
            entries += run.size();
        }
        if (dead > 0 && dead * 4 > entries) {
            if (runs.isEmpty()) {
                merged = withoutDead(merged, pages);
            }
            for (Run run : runs) {
                merged = merge(run, merged, pages, true);
            }
            runs.clear();
            dead = 0;
        } else {
            while (!runs.isEmpty() && runs.get(runs.size() - 1).size() < (long) FANOUT * merged.size()) {
                merged = merge(runs.remove(runs.size() - 1), merged, pages, false);
            }
        }
        runs.add(merged);
        view = new View(v.arena, runs.toArray(new Run[0]));
    }

    /**
     * The hash table was rebuilt into {@code arena}, a copy of the old arena in which every reference names the same
     * key: the same entries, over the new arena.
     */
    void rebase(KeyArena arena) {
        if (!maintained || rebaseSaved(arena)) {
            return;
        }
        loaded();
        view = over(view, arena);
    }

    /**
     * Rebases an order not read yet from the index file without reading it: its references name the same keys in
     * {@code arena}, which it is read over when it is first used. Returns whether it was not read yet.
     */
    private synchronized boolean rebaseSaved(KeyArena arena) {
        if (saved == null) {
            return false;
        }
        view = new View(arena, new Run[0]);
        return true;
    }

    /**
     * A copy of this order as it is now, over {@code arena}, a copy of this order's arena in which every reference
     * names the same key (a {@linkplain KeyDirectory#snapshot snapshot} of the directory): the same entries, garbage
     * marks as the copied arena has them, and no later change. The caller is the writer.
     */
    OrderedKeys copyOver(KeyArena arena) {
        loaded();
        OrderedKeys copy = new OrderedKeys(arena, maintained);
        if (maintained) {
            copy.view = over(view, arena);
            copy.dead = dead;
        }
        return copy;
    }

    /** The runs of {@code v} (which never change) and a copy of its tail, over {@code arena}. */
    private static View over(View v, KeyArena arena) {
        View next = new View(arena, v.runs);
        int count = v.tailCount;
        System.arraycopy(v.tailWords, 0, next.tailWords, 0, count);
        System.arraycopy(v.tailLows, 0, next.tailLows, 0, count);
        next.tailCount = count;
        return next;
    }

    /** Orders every key of {@code table} with one sort, and keeps the order from now on. */
    void rebuild(KeyTable table) {
        saved = null;
        View sorted = sortedView(table);
        maintained = true;
        dead = 0;
        view = sorted;
    }

    /** A view of every key of {@code table}, sorted now; the writer's, or under its lock. */
    static View sortedView(KeyTable table) {
        KeyArena.Pages pages = table.arena.pages();
        int n = table.live;
        long[] words = new long[n];
        int[] lows = new int[n];
        int count = 0;
        for (int slot = 0; slot < table.capacity && count < n; slot++) {
            long ref = table.refAt(slot);
            if (ref >= 0) {
                ByteBuffer page = pages.get((int) (ref >>> KeyArena.PAGE_SHIFT));
                words[count] = word(page, KeyArena.keyStart(ref), lengthOf(page, ref), ref);
                lows[count++] = (int) ref;
            }
        }
        Run run = sorted(words, lows, count, pages);
        return new View(table.arena, run.size() == 0 ? new Run[0] : new Run[] {run});
    }

    /**
     * Takes the run {@code saved} gives, every key of the directory in order over {@code arena}, as the whole order,
     * asking for it when the order is first used.
     */
    void loadLater(KeyArena arena, Supplier<Run> saved) {
        maintained = true;
        dead = 0;
        view = new View(arena, new Run[0]);
        this.saved = saved;
    }

    /** Takes {@code run}, every key of the directory in order over {@code arena}, as the whole order. */
    void load(KeyArena arena, Run run) {
        saved = null;
        maintained = true;
        dead = 0;
        view = new View(arena, run.size() == 0 ? new Run[0] : new Run[] {run});
    }

    /**
     * Every live key in order, as one run, which also becomes the order's only run: for the index file. The caller is
     * the writer.
     */
    Run compacted() {
        loaded();
        View v = view;
        KeyArena.Pages pages = v.arena.pages();
        Run merged = sorted(v.tailWords, v.tailLows, v.tailCount, pages);
        for (Run run : v.runs) {
            merged = merge(run, merged, pages, dead > 0);
        }
        if (dead > 0 && v.runs.length == 0) {
            merged = withoutDead(merged, pages);
        }
        load(v.arena, merged);
        return merged;
    }

    /** Bytes of heap the order holds: its runs and tail arrays. */
    long memoryBytes() {
        loaded();
        View v = view;
        long bytes = (long) TAIL * (Long.BYTES + Integer.BYTES);
        for (Run run : v.runs) {
            bytes += (long) run.size() * (Long.BYTES + Integer.BYTES);
        }
        return bytes;
    }

    /** How many entries the order holds, stale ones included (for tests). */
    long entries() {
        loaded();
        View v = view;
        long n = v.tailCount;
        for (Run run : v.runs) {
            n += run.size();
        }
        return n;
    }

    private static Run withoutDead(Run run, KeyArena.Pages pages) {
        long[] words = new long[run.size()];
        int[] lows = new int[run.size()];
        int n = 0;
        for (int i = 0; i < run.size(); i++) {
            if (!KeyArena.isDead(header(run.words()[i], run.lows()[i], pages))) {
                words[n] = run.words()[i];
                lows[n++] = run.lows()[i];
            }
        }
        return new Run(Arrays.copyOf(words, n), Arrays.copyOf(lows, n));
    }

    /**
     * Merges two runs into a new one; with {@code dropDead}, without the entries whose arena entry is garbage (each
     * one's header read: a cache miss, so only when many are).
     */
    static Run merge(Run a, Run b, KeyArena.Pages pages, boolean dropDead) {
        long[] words = new long[a.size() + b.size()];
        int[] lows = new int[words.length];
        long[] aw = a.words();
        int[] al = a.lows();
        long[] bw = b.words();
        int[] bl = b.lows();
        int i = 0;
        int j = 0;
        int k = 0;
        while (i < aw.length || j < bw.length) {
            boolean fromA = j == bw.length || i < aw.length && compare(aw[i], al[i], bw[j], bl[j], pages) <= 0;
            long word = fromA ? aw[i] : bw[j];
            int low = fromA ? al[i++] : bl[j++];
            if (dropDead && KeyArena.isDead(header(word, low, pages))) {
                continue;
            }
            words[k] = word;
            lows[k++] = low;
        }
        return k == words.length ? new Run(words, lows) : new Run(Arrays.copyOf(words, k), Arrays.copyOf(lows, k));
    }

    // --------------------------------------------------------------------------------------------------- sorting

    /** The first {@code n} entries of {@code words} and {@code lows}, sorted into a new run. */
    static Run sorted(long[] words, int[] lows, int n, KeyArena.Pages pages) {
        long[] w = Arrays.copyOf(words, n);
        int[] l = Arrays.copyOf(lows, n);
        sort(w, l, n, pages);
        return new Run(w, l);
    }

    /**
     * Sorts the first {@code n} entries in place: a radix sort of the prefixes (a pass per byte in which they
     * differ), then a comparison sort of each stretch of equal prefixes by the keys in the arena.
     */
    static void sort(long[] words, int[] lows, int n, KeyArena.Pages pages) {
        if (n < INSERTION_SORT_BELOW) {
            insertionSort(words, lows, 0, n, pages);
            return;
        }
        radixSortPrefixes(words, lows, n);
        long[] tempWords = null;
        int[] tempLows = null;
        for (int from = 0; from < n; ) {
            int to = from + 1;
            long prefix = words[from] & PREFIX_MASK;
            while (to < n && (words[to] & PREFIX_MASK) == prefix) {
                to++;
            }
            if (to - from > 1) {
                if (tempWords == null) {
                    tempWords = new long[n];
                    tempLows = new int[n];
                }
                mergeSort(words, lows, tempWords, tempLows, from, to, pages);
            }
            from = to;
        }
    }

    /** Sorts entries by their prefixes alone, least significant byte first, skipping bytes in which none differ. */
    private static void radixSortPrefixes(long[] words, int[] lows, int n) {
        int[][] counts = new int[PREFIX_BYTES][256];
        for (int i = 0; i < n; i++) {
            long word = words[i];
            for (int d = 0; d < PREFIX_BYTES; d++) {
                counts[d][(int) (word >>> (8 + 8 * d)) & 0xFF]++;
            }
        }
        long[] w = words;
        int[] l = lows;
        long[] ow = new long[n];
        int[] ol = new int[n];
        for (int d = 0; d < PREFIX_BYTES; d++) {
            int[] count = counts[d];
            if (count[(int) (w[0] >>> (8 + 8 * d)) & 0xFF] == n) {
                continue;
            }
            int sum = 0;
            for (int b = 0; b < 256; b++) {
                int c = count[b];
                count[b] = sum;
                sum += c;
            }
            int shift = 8 + 8 * d;
            for (int i = 0; i < n; i++) {
                int at = count[(int) (w[i] >>> shift) & 0xFF]++;
                ow[at] = w[i];
                ol[at] = l[i];
            }
            long[] sw = w;
            w = ow;
            ow = sw;
            int[] sl = l;
            l = ol;
            ol = sl;
        }
        if (w != words) {
            System.arraycopy(w, 0, words, 0, n);
            System.arraycopy(l, 0, lows, 0, n);
        }
    }

    private static void mergeSort(long[] w, int[] l, long[] tw, int[] tl, int from, int to, KeyArena.Pages pages) {
        if (to - from < INSERTION_SORT_BELOW) {
            insertionSort(w, l, from, to, pages);
            return;
        }
        int mid = (from + to) >>> 1;
        mergeSort(w, l, tw, tl, from, mid, pages);
        mergeSort(w, l, tw, tl, mid, to, pages);
        if (compare(w[mid - 1], l[mid - 1], w[mid], l[mid], pages) <= 0) {
            return;
        }
        System.arraycopy(w, from, tw, from, to - from);
        System.arraycopy(l, from, tl, from, to - from);
        int i = from;
        int j = mid;
        for (int k = from; k < to; k++) {
            if (j == to || i < mid && compare(tw[i], tl[i], tw[j], tl[j], pages) <= 0) {
                w[k] = tw[i];
                l[k] = tl[i++];
            } else {
                w[k] = tw[j];
                l[k] = tl[j++];
            }
        }
    }

    private static void insertionSort(long[] w, int[] l, int from, int to, KeyArena.Pages pages) {
        for (int i = from + 1; i < to; i++) {
            long word = w[i];
            int low = l[i];
            int j = i - 1;
            while (j >= from && compare(w[j], l[j], word, low, pages) > 0) {
                w[j + 1] = w[j];
                l[j + 1] = l[j];
                j--;
            }
            w[j + 1] = word;
            l[j + 1] = low;
        }
    }
}
