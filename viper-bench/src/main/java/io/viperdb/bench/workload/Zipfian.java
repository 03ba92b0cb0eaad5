package io.viperdb.bench.workload;

import java.util.SplittableRandom;

/**
 * Draws key indexes with a Zipfian distribution over {@code n} items: the item of rank {@code r} (1-based) is drawn
 * with a probability proportional to {@code 1 / r^theta}. With the usual theta of 0.99, about 20% of the draws on a
 * million keys go to the 100 hottest keys.
 *
 * <p>Ranks are drawn with the closed-form method of Gray et al., "Quickly generating billion-record synthetic
 * databases" (SIGMOD 1994), which needs the generalized harmonic number {@code zeta(n)} once and then O(1) per draw;
 * it draws the two hottest ranks with their exact probabilities and approximates the others, as YCSB does.
 * Ranks are then mapped to key indexes through a fixed random permutation, so that the hot keys are spread over the
 * key space rather than all at its start (where a B-tree would keep them on a few neighbouring pages).
 */
public final class Zipfian {

    /** The skew used by YCSB and most key-value benchmarks. */
    public static final double DEFAULT_THETA = 0.99;

    private final int n;
    private final double theta;
    private final double zetaN;
    private final double alpha;
    private final double eta;
    private final double secondRankBound;
    private final int[] rankToIndex;

    /**
     * @param n the number of items, at least 2
     * @param theta the skew, between 0 (exclusive) and 1 (exclusive)
     * @param seed seeds the permutation of ranks to indexes
     */
    public Zipfian(int n, double theta, long seed) {
        if (n < 2) {
            throw new IllegalArgumentException("n must be at least 2, was " + n);
        }
        if (!(theta > 0 && theta < 1)) {
            throw new IllegalArgumentException("theta must be in (0, 1), was " + theta);
        }
        this.n = n;
        this.theta = theta;
        this.zetaN = zeta(n, theta);
        double zeta2 = zeta(2, theta);
        this.alpha = 1 / (1 - theta);
        this.eta = (1 - Math.pow(2.0 / n, 1 - theta)) / (1 - zeta2 / zetaN);
        this.secondRankBound = 1 + Math.pow(0.5, theta);
        this.rankToIndex = Workload.permutation(n, seed);
    }

    /** The generalized harmonic number: the sum of {@code 1 / i^theta} for i from 1 to n. */
    static double zeta(int n, double theta) {
        double sum = 0;
        for (int i = 1; i <= n; i++) {
            sum += 1 / Math.pow(i, theta);
        }
        return sum;
    }

    /** A rank from 0 (the hottest) to n - 1. */
    int nextRank(SplittableRandom random) {
        double u = random.nextDouble();
        double uz = u * zetaN;
        if (uz < 1) {
            return 0;
        }
        if (uz < secondRankBound) {
            return 1;
        }
        long rank = (long) (n * Math.pow(eta * u - eta + 1, alpha));
        return (int) Math.min(rank, n - 1);
    }

    /** A key index from 0 to n - 1. */
    public int next(SplittableRandom random) {
        return rankToIndex[nextRank(random)];
    }

    public double theta() {
        return theta;
    }
}
