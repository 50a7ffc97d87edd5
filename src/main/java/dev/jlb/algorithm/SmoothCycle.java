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
 * the cycle with a counter. Building costs the number of backends times the cycle's length.
 */
final class SmoothCycle {
    private SmoothCycle() {}

    /**
     * One cycle, one entry per pick.
     *
     * @param weights one positive weight per backend, in the backends' order
     */
    static <B> List<B> of(List<B> backends, long[] weights) {
        int n = backends.size();
        long[] reduced = Shares.reduce(weights.clone());
        long sum = 0;
        for (long weight : reduced) {
            sum += weight;
        }
        if (sum > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("cycle of " + sum + " picks (expected: fewer than 2^31)");
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
}
