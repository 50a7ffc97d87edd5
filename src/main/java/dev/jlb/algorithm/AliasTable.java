package dev.jlb.algorithm;

/**
 * Draws a backend's index in proportion to its weight in constant time, by Vose's alias method:
 * one column per backend, each column split between its own backend and one other, so that a
 * draw is a column and a coin. Built once per snapshot; when all weights are equal there are no
 * coins and a draw is a plain uniform index.
 *
 * <p>The table is exact: it works in integers, every column {@code height} units high, and a
 * backend of weight w out of a total W is drawn with probability exactly w/W. Immutable, so any
 * number of threads may draw at once.
 */
final class AliasTable {
    /** The largest sum of weights drawn from exactly; beyond it the weights are scaled down first. */
    private static final long MAX_HEIGHT = 1L << 30;

    private final int columns;
    private final int height;
    /** Units of each column that belong to its own backend; null when the draw is uniform. */
    private final int[] threshold;
    /** The backend that owns the rest of each column. */
    private final int[] alias;

    private AliasTable(int columns, int height, int[] threshold, int[] alias) {
        this.columns = columns;
        this.height = height;
        this.threshold = threshold;
        this.alias = alias;
    }

    /**
     * The table for these weights, one per backend.
     *
     * @param weights all positive; not kept
     */
    static AliasTable of(long[] weights) {
        int n = weights.length;
        if (n == 0) {
            throw new IllegalArgumentException("no weights (expected: at least one)");
        }
        long[] reduced = Shares.reduce(weights.clone());
        boolean equal = true;
        long total = 0;
        for (long weight : reduced) {
            if (weight <= 0) {
                throw new IllegalArgumentException("weight: " + weight + " (expected: > 0)");
            }
            equal &= weight == reduced[0];
            total += weight;
        }
        if (equal) {
            return new AliasTable(n, 0, null, null);
        }
        if (total > MAX_HEIGHT) {
            // RandomSource draws ints; far past any configured weights (1,000 backends of weight
            // 1,000 in slow start sum to 10^7 after the common divisor), so rounding is harmless.
            double scale = (double) MAX_HEIGHT / total;
            total = 0;
            for (int i = 0; i < n; i++) {
                reduced[i] = Math.max(1, (long) (reduced[i] * scale));
                total += reduced[i];
            }
        }
        int height = (int) total;
        int[] threshold = new int[n];
        int[] alias = new int[n];
        // Each backend holds n times its weight, and each column `height` units: the columns hold
        // exactly what the backends have. A small backend fills its own column and a large one
        // tops it up, until every column is full.
        long[] held = new long[n];
        int[] small = new int[n];
        int[] large = new int[n];
        int smalls = 0;
        int larges = 0;
        for (int i = 0; i < n; i++) {
            held[i] = reduced[i] * n;
            if (held[i] < height) {
                small[smalls++] = i;
            } else {
                large[larges++] = i;
            }
        }
        while (smalls > 0 && larges > 0) {
            int s = small[--smalls];
            int l = large[--larges];
            threshold[s] = (int) held[s];
            alias[s] = l;
            held[l] -= height - held[s];
            if (held[l] < height) {
                small[smalls++] = l;
            } else {
                large[larges++] = l;
            }
        }
        // In integers what is left holds exactly one column each.
        while (larges > 0) {
            int l = large[--larges];
            threshold[l] = height;
            alias[l] = l;
        }
        while (smalls > 0) {
            int s = small[--smalls];
            threshold[s] = height;
            alias[s] = s;
        }
        return new AliasTable(n, height, threshold, alias);
    }

    /** Whether every backend is drawn with the same probability. */
    boolean uniform() {
        return threshold == null;
    }

    /** A backend's index, drawn in proportion to its weight: one or two draws of the source. */
    int draw(RandomSource random) {
        int column = random.nextInt(columns);
        if (threshold == null) {
            return column;
        }
        int own = threshold[column];
        return own == height || random.nextInt(height) < own ? column : alias[column];
    }

    /**
     * A backend other than {@code first}, drawn in proportion to weight: redrawn a bounded number
     * of times, then the next index. The bound keeps the time constant when one backend holds
     * almost all the weight; the fallback is then taken with probability at most (its share)^3.
     * Needs at least two backends.
     */
    int drawOther(RandomSource random, int first) {
        for (int attempt = 0; attempt < 3; attempt++) {
            int other = draw(random);
            if (other != first) {
                return other;
            }
        }
        return first + 1 == columns ? 0 : first + 1;
    }

    @Override
    public String toString() {
        return (threshold == null ? "uniform over " : "alias table over ") + columns;
    }
}
