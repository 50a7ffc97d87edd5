package dev.jlb.algorithm;

import java.util.Arrays;
import java.util.List;

/**
 * A hash ring (Karger et al.; ketama; Envoy's ring hash): each backend hashed to points on a
 * 64-bit circle, in proportion to its weight; a key belongs to the first point at or after its
 * hash, clockwise.
 *
 * <p>A backend's points are the SplitMix64 sequence seeded by the hash of its route, so they
 * depend on its route and its number of points alone. That number is its weight, divided by the
 * common divisor of all the weights, times {@value #POINTS_PER_UNIT}, scaled down only when the
 * ring would pass {@value #MAX_POINTS} points. So when a backend leaves, the others keep every
 * point and only its keys move, as long as the common divisor and the scale stay the same:
 * always with equal weights up to 256 backends (beyond, the rounding of the scale adds a point
 * here and there), and with unequal weights whose reduced sum stays within 256. Past that the
 * other backends gain or lose a few points too, and a few more keys move.
 *
 * <p>1,024 points per unit of weight keep a backend's share within a few per cent of its weight
 * (the spread of a share is about 1/sqrt(points)); the bound keeps 1,000 backends to 2 MiB of
 * points and 512 KiB of index, with 262 points each. A lookup reads the index entry of the key's
 * top bits, then passes a point or two on average: constant expected time.
 */
final class HashRing {
    /** Points per unit of weight (after the common divisor), when the total allows. */
    static final int POINTS_PER_UNIT = 1024;

    /** Points in all at most (Envoy allows 8M; fewer here, for a 64 MiB heap). */
    static final int MAX_POINTS = 1 << 18;

    /** The low bits of a point hold its owner's index, so that one sorted long[] is the ring. */
    private static final int OWNER_BITS = 20;

    private static final long OWNER_MASK = (1L << OWNER_BITS) - 1;

    private final long[] points;
    /**
     * For each value of a key's top bits (between half as many values as points and as many), the first point
     * at or after them: a lookup starts there and passes a point or two.
     */
    private final int[] index;

    private final int shift;

    private HashRing(long[] points, int[] index, int shift) {
        this.points = points;
        this.index = index;
        this.shift = shift;
    }

    /**
     * Places the backends.
     *
     * @param routes  the backends' routes, in the order their indices refer to; at most 2^20
     * @param weights their weights divided by their common divisor
     */
    static HashRing build(List<String> routes, long[] weights) {
        int n = routes.size();
        if (n > OWNER_MASK + 1) {
            throw new IllegalArgumentException("backends: " + n + " (expected: at most 2^20)");
        }
        long total = 0;
        for (long weight : weights) {
            total += weight;
        }
        double scale = Math.min(POINTS_PER_UNIT, (double) MAX_POINTS / total);
        long[] counts = new long[n];
        long all = 0;
        for (int i = 0; i < n; i++) {
            counts[i] = Math.max(1, Math.round(scale * weights[i]));
            all += counts[i];
        }
        long[] points = new long[(int) all];
        int p = 0;
        for (int i = 0; i < n; i++) {
            long h = KeyHash.hash(routes.get(i));
            for (long j = 0; j < counts[i]; j++) {
                // SplitMix64: a backend's first points are the same whatever its number of points.
                long point = KeyHash.mix(h + (j + 1) * 0x9E3779B97F4A7C15L);
                points[p++] = (point & ~OWNER_MASK) | i;
            }
        }
        Arrays.sort(points);
        // Points are sorted as signed longs; flipping the sign bit orders their top bits the same way.
        int bits = Math.max(1, 63 - Long.numberOfLeadingZeros(points.length));
        int shift = 64 - bits;
        int[] index = new int[1 << bits];
        int next = 0;
        for (int bucket = 0; bucket < index.length; bucket++) {
            while (next < points.length && ((points[next] ^ Long.MIN_VALUE) >>> shift) < bucket) {
                next++;
            }
            index[bucket] = next;
        }
        return new HashRing(points, index, shift);
    }

    /** The key's position: the first point at or after it, clockwise. */
    int position(long key) {
        int i = index[(int) ((key ^ Long.MIN_VALUE) >>> shift)];
        while (i < points.length && points[i] < key) {
            i++;
        }
        return i == points.length ? 0 : i;
    }

    /** The backend (its index in the order of the routes given) that owns a position. */
    int owner(int position) {
        return (int) (points[position] & OWNER_MASK);
    }

    /** The number of positions: the points. */
    int size() {
        return points.length;
    }

    @Override
    public String toString() {
        return "ring of " + points.length;
    }
}
