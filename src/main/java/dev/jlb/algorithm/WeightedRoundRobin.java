package dev.jlb.algorithm;

import dev.jlb.config.AlgorithmName;
import dev.jlb.view.BackendView;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Smooth weighted round robin, as nginx does it: each backend gets exactly its weight's share
 * of every cycle, spread out rather than in bursts. Weights 5, 1, 1 for a, b, c give the cycle
 * {@code a a b a c a a}.
 *
 * <p>nginx runs the selection under a lock on every request. Here the cycle is computed once
 * per snapshot (weights divided by their greatest common divisor first) and the request path
 * only indexes it with one shared counter, kept across rebuilds.
 *
 * <p>Slow start scales each weight by the backend's warmth in tenths (1 to 10): the cycle is
 * built on weight x warmth/100. With every backend warm the common divisor takes the factor 10
 * out again, so the cycle is the one of the configured weights.
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
        return new CyclePicker<>(toString(), eligible.size(), cycle(eligible), next);
    }

    @Override
    public String toString() {
        return "weighted_round_robin";
    }

    /** One cycle of nginx's smooth weighted selection on weight x warmth/100, one entry per pick. */
    static <B extends BackendView> List<B> cycle(List<B> backends) {
        long[] weights = new long[backends.size()];
        for (int i = 0; i < weights.length; i++) {
            BackendView backend = backends.get(i);
            weights[i] = (long) backend.weight() * Shares.tenths(backend.warmth());
        }
        return SmoothCycle.of(backends, weights);
    }
}
