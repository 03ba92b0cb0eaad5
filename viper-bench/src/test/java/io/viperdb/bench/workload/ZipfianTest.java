package io.viperdb.bench.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ZipfianTest {

    private static final int N = 10_000;
    private static final int DRAWS = 400_000;

    /**
     * The rank r is drawn with probability 1 / (r^theta * zeta(n)). The method draws the two hottest ranks exactly
     * and approximates the rest (as YCSB's generator does), so the rest is checked as a whole: the share of the
     * hottest tenth of the keys.
     */
    @Test
    void ranksAreDrawnAsOftenAsTheDistributionSays() {
        Zipfian zipfian = new Zipfian(N, Zipfian.DEFAULT_THETA, 1);
        SplittableRandom random = new SplittableRandom(2);
        int[] counts = new int[N];
        for (int i = 0; i < DRAWS; i++) {
            counts[zipfian.nextRank(random)]++;
        }
        double zetaN = Zipfian.zeta(N, Zipfian.DEFAULT_THETA);
        for (int rank = 0; rank < 2; rank++) {
            double expected = DRAWS / (Math.pow(rank + 1, Zipfian.DEFAULT_THETA) * zetaN);
            assertEquals(expected, counts[rank], expected * 0.03, "rank " + rank);
        }
        long hottestTenth = 0;
        for (int rank = 0; rank < N / 10; rank++) {
            hottestTenth += counts[rank];
        }
        double expectedShare = Zipfian.zeta(N / 10, Zipfian.DEFAULT_THETA) / zetaN;
        assertEquals(expectedShare, (double) hottestTenth / DRAWS, 0.03, "share of the hottest tenth");
    }

    @Test
    void indexesCoverTheKeySpaceAndTheHottestIsNotTheFirstKey() {
        Zipfian zipfian = new Zipfian(N, Zipfian.DEFAULT_THETA, 1);
        SplittableRandom random = new SplittableRandom(3);
        int[] counts = new int[N];
        for (int i = 0; i < DRAWS; i++) {
            int index = zipfian.next(random);
            assertTrue(index >= 0 && index < N);
            counts[index]++;
        }
        int hottest = 0;
        for (int i = 1; i < N; i++) {
            if (counts[i] > counts[hottest]) {
                hottest = i;
            }
        }
        assertTrue(hottest != 0, "ranks are scattered over the key space");
    }
}
