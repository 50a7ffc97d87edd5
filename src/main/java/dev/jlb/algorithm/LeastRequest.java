package dev.jlb.algorithm;

import dev.jlb.config.AlgorithmName;
import dev.jlb.view.BackendView;
import java.util.List;

/**
 * Power of two choices (Envoy's {@code LEAST_REQUEST}, HAProxy's {@code random(2)}): two
 * different backends drawn at random in proportion to weight x warmth, and the one with fewer
 * requests in flight per unit of that weight wins; a tie goes to the first drawn. Constant time
 * whatever the number of backends: an alias table built once per snapshot gives the draws, and
 * the loads are compared by cross-multiplying ({@code inFlight_a x weight_b} against
 * {@code inFlight_b x weight_a}), never by dividing.
 *
 * <p>Two choices rather than the least loaded of all: the load each pick sees is already stale
 * when many threads pick at once, and the least loaded of all is then the same backend for all of
 * them, while two random choices spread a burst and still avoid the busy backends (Mitzenmacher).
 */
public final class LeastRequest implements Algorithm {
    private final RandomSource random;

    private LeastRequest(RandomSource random) {
        this.random = random;
    }

    /** A least request drawing from the given source. */
    public static LeastRequest create(RandomSource random) {
        return new LeastRequest(random);
    }

    @Override
    public AlgorithmName name() {
        return AlgorithmName.LEAST_REQUEST;
    }

    @Override
    public <B extends BackendView> Picker<B> pickerFor(List<B> eligible) {
        List<B> backends = List.copyOf(eligible);
        if (backends.size() == 1) {
            return new OnlyPicker<>(toString(), backends.get(0));
        }
        long[] weights = new long[backends.size()];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = Shares.effectiveWeight(backends.get(i));
        }
        return new TwoChoices<>(backends, weights, AliasTable.of(weights), random);
    }

    @Override
    public String toString() {
        return "least_request";
    }

    private static final class TwoChoices<B extends BackendView> implements Picker<B> {
        private final List<B> backends;
        /** Weight x warmth of each backend, read once for the snapshot. */
        private final long[] weights;

        private final AliasTable draws;
        private final RandomSource random;

        TwoChoices(List<B> backends, long[] weights, AliasTable draws, RandomSource random) {
            this.backends = backends;
            this.weights = weights;
            this.draws = draws;
            this.random = random;
        }

        @Override
        public B pick(long key) {
            int a = draws.draw(random);
            int b = draws.drawOther(random, a);
            B first = backends.get(a);
            B second = backends.get(b);
            // second / weight_b < first / weight_a, cross-multiplied; the loads stay far below 2^31
            // and the weights below 2^20, so the products fit a long.
            return second.inFlight() * weights[a] < first.inFlight() * weights[b] ? second : first;
        }

        @Override
        public String toString() {
            return "least_request over " + backends.size();
        }
    }
}
