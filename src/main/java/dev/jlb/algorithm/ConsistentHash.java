package dev.jlb.algorithm;

import dev.jlb.config.AlgorithmName;
import dev.jlb.view.BackendView;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * The request's key picks the backend on a consistent hash of the eligible backends, with
 * bounded loads (Mirrokni, Thorup and Zadimoghaddam; HAProxy's {@code hash-balance-factor}).
 *
 * <p>Backends are placed by their {@link BackendView#route()} alone, never by their position in
 * the list, so every jlb instance with the same backends makes the same choice for the same key,
 * whatever order it lists them in. Shares follow the configured weights; slow start does not
 * apply (a warming backend would otherwise take keys from the others and give them back).
 *
 * <p>The placement is a {@link HashRing} rather than a Maglev table: when a backend leaves, a ring
 * moves only its keys, while Maglev also moves a few of the others' (0.05 to 0.13% of the keys
 * when one of five left, measured), and the contract is that only its keys move. Maglev spreads
 * the keys more evenly and looks up two to four times faster (6 to 11 ns against 16 to 29 ns),
 * which matters less than keeping sessions in place; the load bound evens out the spread where
 * it counts.
 *
 * <p>With a balance factor c = {@code hashBalanceFactor}/100 above 0, a backend may hold at most
 * {@code ceil(c x (m + 1) x weight / total weight)} requests, m being the requests in flight to
 * the whole pool (read once per pick) and the + 1 the request being placed. A key whose backend is
 * full walks on from its position to the next backend under its capacity; only the load moves a
 * key, and it comes back when the load allows. Factor 0 turns the bound off.
 */
public final class ConsistentHash implements Algorithm {
    /**
     * Points walked clockwise before the walk falls back to a scan of all backends: far more than
     * a walk needs while some backends have room, and a bound on the time when none has.
     */
    static final int MAX_WALK = 1024;

    private final IntSupplier totalInFlight;
    private final int balanceFactor;

    private ConsistentHash(IntSupplier totalInFlight, int balanceFactor) {
        if (balanceFactor < 0) {
            throw new IllegalArgumentException("hashBalanceFactor: " + balanceFactor + " (expected: >= 0)");
        }
        this.totalInFlight = totalInFlight;
        this.balanceFactor = balanceFactor;
    }

    /**
     * A consistent hash.
     *
     * @param totalInFlight the requests in flight to all backends of the pool
     * @param balanceFactor the bound on a backend's load in % of its share of the mean; 0 for none
     */
    public static ConsistentHash create(IntSupplier totalInFlight, int balanceFactor) {
        return new ConsistentHash(totalInFlight, balanceFactor);
    }

    @Override
    public AlgorithmName name() {
        return AlgorithmName.CONSISTENT_HASH;
    }

    @Override
    public boolean usesKey() {
        return true;
    }

    @Override
    public <B extends BackendView> Picker<B> pickerFor(List<B> eligible) {
        // Points already depend on routes alone; the order by route makes the rest agree across
        // instances too: which of two points of equal hash comes first, and the order of the
        // fallback scan of a full pool.
        List<B> sorted = new ArrayList<>(eligible);
        sorted.sort(Comparator.comparing(BackendView::route));
        List<B> backends = List.copyOf(sorted);
        if (backends.size() == 1) {
            return new OnlyPicker<>(toString(), backends.get(0));
        }
        List<String> routes = new ArrayList<>(backends.size());
        long[] weights = new long[backends.size()];
        for (int i = 0; i < weights.length; i++) {
            routes.add(backends.get(i).route());
            weights[i] = backends.get(i).weight();
        }
        Shares.reduce(weights);
        return new Lookup<>(backends, weights, HashRing.build(routes, weights), totalInFlight, balanceFactor);
    }

    @Override
    public String toString() {
        return "consistent_hash";
    }

    private static final class Lookup<B extends BackendView> implements Picker<B> {
        private final List<B> backends;
        private final long[] weights;
        /** 100 x the total weight: capacity's denominator. */
        private final long hundredTotalWeight;

        private final HashRing ring;
        private final IntSupplier totalInFlight;
        private final int balanceFactor;

        Lookup(List<B> backends, long[] weights, HashRing ring, IntSupplier totalInFlight, int balanceFactor) {
            this.backends = backends;
            this.weights = weights;
            long total = 0;
            for (long weight : weights) {
                total += weight;
            }
            this.hundredTotalWeight = 100 * total;
            this.ring = ring;
            this.totalInFlight = totalInFlight;
            this.balanceFactor = balanceFactor;
        }

        @Override
        public B pick(long key) {
            int position = ring.position(key);
            int primary = ring.owner(position);
            if (balanceFactor == 0) {
                return backends.get(primary);
            }
            long placing = (long) balanceFactor * (totalInFlight.getAsInt() + 1L);
            if (under(primary, placing)) {
                return backends.get(primary);
            }
            int count = backends.size();
            // Backends checked, by index modulo 64: exact up to 64 backends. Beyond, a backend
            // sharing a bit with one checked is skipped here and checked by the scan below.
            long checked = 1L << primary;
            int distinct = 1;
            int size = ring.size();
            int walk = Math.min(size, MAX_WALK);
            for (int step = 1; step < walk && distinct < count && checked != -1L; step++) {
                position = position + 1 == size ? 0 : position + 1;
                int candidate = ring.owner(position);
                long bit = 1L << candidate;
                if ((checked & bit) != 0) {
                    continue;
                }
                checked |= bit;
                distinct++;
                if (under(candidate, placing)) {
                    return backends.get(candidate);
                }
            }
            if (count > 64 || distinct < count) {
                for (int i = 1; i < count; i++) {
                    int candidate = primary + i < count ? primary + i : primary + i - count;
                    if (under(candidate, placing)) {
                        return backends.get(candidate);
                    }
                }
            }
            // All full: only when the pool's total lags the backends' counts, or c < 1.
            return backends.get(primary);
        }

        /**
         * Whether a backend holds fewer than its capacity {@code ceil(c x (m + 1) x w / W)}: for
         * an integer load, {@code load < ceil(x)} is {@code load < x}, so no division and no
         * rounding. Fits a long: in flight below 2^31 times 100 x the reduced total weight (below
         * 2^27 for 1,000 backends), and the factor x (m + 1) x a weight of at most 1,000.
         */
        private boolean under(int backend, long placing) {
            return backends.get(backend).inFlight() * hundredTotalWeight < placing * weights[backend];
        }

        @Override
        public String toString() {
            return "consistent_hash over " + backends.size() + " (" + ring + ")";
        }
    }
}
