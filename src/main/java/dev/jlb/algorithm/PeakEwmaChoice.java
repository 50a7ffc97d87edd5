package dev.jlb.algorithm;

import dev.jlb.config.AlgorithmName;
import dev.jlb.view.BackendView;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Latency-aware power of two choices (Finagle's and Linkerd's P2C over a peak EWMA): two
 * different backends drawn at random in proportion to weight x warmth, as {@link LeastRequest}
 * draws them, and the one of lower cost wins, a tie going to the first drawn:
 *
 * <pre>cost = latency estimate x (requests in flight + 1) / (weight x warmth)</pre>
 *
 * <p>The estimate is the backend's {@link dev.jlb.view.PeakEwma}, read at the injected clock's
 * time. In flight + 1 prices the request being placed, so that an idle backend is not free and a
 * slow one fills up sooner. An estimate that decays while a slow backend gets nothing makes it
 * cheap again after a while: it is tried, and its recovery is seen.
 *
 * <p>A backend with no estimate (new, or silent for hours) costs 0 while it has nothing in flight,
 * so it is tried at once, and a penalty while its first requests are in flight (Finagle's): it
 * takes one request at a time until it answers, rather than every request until it answers.
 */
public final class PeakEwmaChoice implements Algorithm {
    /**
     * The latency, in nanoseconds, of a backend with no estimate and requests in flight: about
     * 39 hours, more than any measured one, so that it loses to every backend that has answered,
     * and to the other unknown ones by load.
     */
    static final double PENALTY_NANOS = Long.MAX_VALUE >> 16;

    private final RandomSource random;
    private final LongSupplier nanoClock;

    private PeakEwmaChoice(RandomSource random, LongSupplier nanoClock) {
        this.random = random;
        this.nanoClock = nanoClock;
    }

    /**
     * A peak EWMA choice.
     *
     * @param random    the draws
     * @param nanoClock the clock the backends' estimates are observed with (System::nanoTime)
     */
    public static PeakEwmaChoice create(RandomSource random, LongSupplier nanoClock) {
        return new PeakEwmaChoice(random, nanoClock);
    }

    @Override
    public AlgorithmName name() {
        return AlgorithmName.PEAK_EWMA;
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
        return new LowerCost<>(backends, weights, AliasTable.of(weights), random, nanoClock);
    }

    @Override
    public String toString() {
        return "peak_ewma";
    }

    /**
     * A backend's cost times its weight x warmth: latency estimate x (in flight + 1), with the
     * penalty for a backend that has not answered yet.
     */
    static double load(BackendView backend, long now) {
        int inFlight = backend.inFlight();
        double estimate = backend.latency().estimateNanos(now);
        if (estimate == 0 && inFlight > 0) {
            estimate = PENALTY_NANOS;
        }
        return estimate * (inFlight + 1);
    }

    private static final class LowerCost<B extends BackendView> implements Picker<B> {
        private final List<B> backends;
        /** Weight x warmth of each backend, read once for the snapshot. */
        private final long[] weights;

        private final AliasTable draws;
        private final RandomSource random;
        private final LongSupplier nanoClock;

        LowerCost(List<B> backends, long[] weights, AliasTable draws, RandomSource random, LongSupplier nanoClock) {
            this.backends = backends;
            this.weights = weights;
            this.draws = draws;
            this.random = random;
            this.nanoClock = nanoClock;
        }

        @Override
        public B pick(long key) {
            int a = draws.draw(random);
            int b = draws.drawOther(random, a);
            B first = backends.get(a);
            B second = backends.get(b);
            long now = nanoClock.getAsLong();
            // load_b / weight_b < load_a / weight_a, cross-multiplied.
            return load(second, now) * weights[a] < load(first, now) * weights[b] ? second : first;
        }

        @Override
        public String toString() {
            return "peak_ewma over " + backends.size();
        }
    }
}
