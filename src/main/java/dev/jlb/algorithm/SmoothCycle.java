package dev.jlb.algorithm;

import java.util.ArrayList;
import java.util.List;

/**
 * nginx's smooth weighted round robin unrolled into one cycle: each backend appears exactly its
 * weight's times, spread out rather than in bursts. Weights 5, 1, 1 for a, b, c give
 * {@code a a b a c a a}.
 *
 * <p>nginx runs the selection under a lock on every request; here it runs once per snapshot, with
 * the weights divided by their greatest common divisor first, and the request path only indexes
 * the cycle with a counter. Building costs the number of backends times the cycle's length, so
 * the length is bounded: weights whose reduced sum exceeds {@link #MAX_LENGTH} (1,000 backends with
 * co-prime weights up to 1,000, or one of them in a slow start) are scaled down to about that sum
 * first, each at least 1. The shares are then right to within one pick per cycle of 65,536, and
 * a rebuild at 1,000 backends takes tens of milliseconds rather than seconds.
 */
final class SmoothCycle {
    /** The longest cycle built exactly. */
    static final int MAX_LENGTH = 1 << 16;

    private SmoothCycle() {}

    /**
     * One cycle, one entry per pick.
     *
     * @param weights one positive weight per backend, in the backends' order
     */
    static <B> List<B> of(List<B> backends, long[] weights) {
        int n = backends.size();
        long[] reduced = Shares.reduce(weights.clone());
        long sum = sum(reduced);
        if (sum > MAX_LENGTH) {
            for (int i = 0; i < n; i++) {
                reduced[i] = Math.max(1, Math.round((double) reduced[i] * MAX_LENGTH / sum));
            }
            reduced = Shares.reduce(reduced);
            sum = sum(reduced);
        }
        int total = (int) sum;
        List<B> cycle = new ArrayList<>(total);
        long[] current = new long[n];
        for (int pick = 0; pick < total; pick++) {
            int best = 0;
            for (int i = 0; i < n; i++) {
                current[i] += reduced[i];
                // Strictly greater: ties go to the earlier backend, as in nginx.
                if (current[i] > current[best]) {
                    best = i;
                }
            }
            current[best] -= total;
            cycle.add(backends.get(best));
        }
        return List.copyOf(cycle);
    }

    private static long sum(long[] weights) {
        long sum = 0;
        for (long weight : weights) {
            sum += weight;
        }
        return sum;
    }
}
