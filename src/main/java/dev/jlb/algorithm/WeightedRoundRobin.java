package dev.jlb.algorithm;

import dev.jlb.config.AlgorithmName;
import dev.jlb.view.BackendView;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Smooth weighted round robin, as nginx does it: each backend gets exactly its weight's share
 * of every cycle, spread out rather than in bursts. Weights 5, 1, 1 for a, b, c give the cycle
 * {@code a a b a c a a}.
 *
 * <p>nginx runs the selection under a lock on every request. Here the cycle is computed once
 * per snapshot (weights divided by their greatest common divisor first) and the request path
 * only indexes it with one shared counter.
 */
public final class WeightedRoundRobin implements Algorithm {
    private final AtomicInteger next;

    private WeightedRoundRobin(int start) {
        this.next = new AtomicInteger(start);
    }

    /** Starts at the beginning of the cycle, as nginx does: 5,1,1 gives a a b a c a a from the first request. */
    public static WeightedRoundRobin create() {
        return new WeightedRoundRobin(0);
    }

    /** A weighted round robin whose counter starts at the given value (for tests). */
    static WeightedRoundRobin startingAt(int start) {
        return new WeightedRoundRobin(start);
    }

    @Override
    public AlgorithmName name() {
        return AlgorithmName.WEIGHTED_ROUND_ROBIN;
    }

    @Override
    public <B extends BackendView> Picker<B> pickerFor(List<B> eligible) {
        List<B> cycle = cycle(eligible);
        int length = cycle.size();
        return key -> cycle.get(Integer.remainderUnsigned(next.getAndIncrement(), length));
    }

    @Override
    public String toString() {
        return "weighted_round_robin";
    }

    /** One cycle of nginx's smooth weighted selection, one entry per pick. */
    static <B extends BackendView> List<B> cycle(List<B> backends) {
        int n = backends.size();
        int[] weights = new int[n];
        int divisor = 0;
        for (int i = 0; i < n; i++) {
            weights[i] = backends.get(i).weight();
            divisor = gcd(divisor, weights[i]);
        }
        int total = 0;
        for (int i = 0; i < n; i++) {
            weights[i] /= divisor;
            total += weights[i];
        }
        List<B> cycle = new ArrayList<>(total);
        long[] current = new long[n];
        for (int pick = 0; pick < total; pick++) {
            int best = 0;
            for (int i = 0; i < n; i++) {
                current[i] += weights[i];
                if (current[i] > current[best]) {
                    best = i;
                }
            }
            current[best] -= total;
            cycle.add(backends.get(best));
        }
        return List.copyOf(cycle);
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
