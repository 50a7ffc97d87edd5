package dev.jlb.algorithm;

import dev.jlb.config.AlgorithmName;
import dev.jlb.view.BackendView;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The eligible backend with the fewest requests in flight. The scan starts at a position that
 * advances with every pick, so that backends tied for the fewest take turns instead of the
 * first one taking every request.
 *
 * <p>Configured weights are ignored, but slow start is not: while a backend warms up the scan
 * looks for the fewest in flight per unit of warmth, so that a backend at a tenth of its warmth
 * is given a tenth of the requests a warm one holds. The loads are compared by cross-multiplying
 * ({@code inFlight_a x warmth_b} against {@code inFlight_b x warmth_a}), never by dividing.
 */
public final class LeastConnections implements Algorithm {
    private final AtomicInteger next;

    private LeastConnections(int start) {
        this.next = new AtomicInteger(start);
    }

    /** A least connections whose tie-breaking turn starts at a random backend. */
    public static LeastConnections create(RandomSource random) {
        return new LeastConnections(random.nextInt(Integer.MAX_VALUE));
    }

    @Override
    public AlgorithmName name() {
        return AlgorithmName.LEAST_CONNECTIONS;
    }

    @Override
    public <B extends BackendView> Picker<B> pickerFor(List<B> eligible) {
        List<B> backends = List.copyOf(eligible);
        if (Shares.allWarm(backends)) {
            return new Scan<>(backends, null, next);
        }
        int[] warmths = new int[backends.size()];
        for (int i = 0; i < warmths.length; i++) {
            warmths[i] = backends.get(i).warmth();
        }
        return new Scan<>(backends, warmths, next);
    }

    @Override
    public String toString() {
        return "least_connections";
    }

    private static final class Scan<B extends BackendView> implements Picker<B> {
        private final List<B> backends;
        /** Each backend's warmth, read once for the snapshot; null when all are warm. */
        private final int[] warmths;

        private final AtomicInteger next;

        Scan(List<B> backends, int[] warmths, AtomicInteger next) {
            this.backends = backends;
            this.warmths = warmths;
            this.next = next;
        }

        @Override
        public B pick(long key) {
            int start = Integer.remainderUnsigned(next.getAndIncrement(), backends.size());
            return backends.get(warmths == null ? fewest(start) : fewestPerWarmth(start));
        }

        private int fewest(int start) {
            int count = backends.size();
            int best = start;
            int fewest = backends.get(start).inFlight();
            // Nothing beats an idle backend: stop at the first one.
            for (int step = 1; step < count && fewest > 0; step++) {
                int i = start + step < count ? start + step : start + step - count;
                int load = backends.get(i).inFlight();
                if (load < fewest) {
                    best = i;
                    fewest = load;
                }
            }
            return best;
        }

        private int fewestPerWarmth(int start) {
            int count = backends.size();
            int best = start;
            long fewest = backends.get(start).inFlight();
            long bestWarmth = warmths[start];
            for (int step = 1; step < count && fewest > 0; step++) {
                int i = start + step < count ? start + step : start + step - count;
                long load = backends.get(i).inFlight();
                if (load * bestWarmth < fewest * warmths[i]) {
                    best = i;
                    fewest = load;
                    bestWarmth = warmths[i];
                }
            }
            return best;
        }

        @Override
        public String toString() {
            return "least_connections over " + backends.size() + (warmths == null ? "" : " (by warmth)");
        }
    }
}
