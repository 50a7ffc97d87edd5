package dev.jlb.algorithm;

import java.util.Arrays;
import java.util.List;

/**
 * Maglev's lookup table (Eisenbud et al., NSDI 2016), weighted as Envoy weights it: a prime number
 * M of slots, each backend filling slots in the order of its own permutation of them (an offset
 * and a skip drawn from the hash of its route), in turns, until all are filled. A backend takes
 * turns in proportion to its weight, so it owns M x weight / total weight slots, give or take one.
 * A key's slot is its hash scaled to M: one multiplication, one array read.
 *
 * <p>When a backend leaves, the others keep nearly all their slots: each still fills in the order
 * of its own permutation, and only the slots freed, plus a few where the turns shift, change owner.
 * The more slots per backend, the fewer of those.
 */
final class MaglevTable implements Placement {
    /** The smallest table: Envoy's and Google's default. */
    static final int MIN_SIZE = 65_537;

    /** Slots per backend at least: "M well above 100 x N" keeps the extra disruption small. */
    static final int SLOTS_PER_BACKEND = 128;

    /** The largest table: Envoy's limit. */
    static final int MAX_SIZE = 5_000_011;

    private final int[] table;

    private MaglevTable(int[] table) {
        this.table = table;
    }

    /**
     * Fills the table.
     *
     * @param routes  the backends' routes, in the order their indices refer to
     * @param weights their weights, all positive
     */
    static MaglevTable build(List<String> routes, long[] weights) {
        int n = routes.size();
        int size = primeAtLeast((int) Math.min(MAX_SIZE, Math.max(MIN_SIZE, (long) SLOTS_PER_BACKEND * n)));
        int[] next = new int[n];
        int[] skip = new int[n];
        long maxWeight = 0;
        for (int i = 0; i < n; i++) {
            long h = KeyHash.hash(routes.get(i));
            next[i] = (int) Long.remainderUnsigned(KeyHash.mix(h ^ 0x5851f42d4c957f2dL), size);
            skip[i] = (int) Long.remainderUnsigned(KeyHash.mix(h ^ 0x14057b7ef767814fL), size - 1) + 1;
            maxWeight = Math.max(maxWeight, weights[i]);
        }
        int[] table = new int[size];
        Arrays.fill(table, -1);
        long[] target = new long[n];
        int filled = 0;
        for (long turn = 0; filled < size; turn++) {
            for (int i = 0; i < n && filled < size; i++) {
                // The heaviest backend fills a slot every turn, one half as heavy every other turn.
                if (turn * weights[i] < target[i]) {
                    continue;
                }
                target[i] += maxWeight;
                int slot = next[i];
                while (table[slot] >= 0) {
                    slot += skip[i];
                    if (slot >= size) {
                        slot -= size;
                    }
                }
                table[slot] = i;
                slot += skip[i];
                next[i] = slot >= size ? slot - size : slot;
                filled++;
            }
        }
        return new MaglevTable(table);
    }

    @Override
    public int position(long key) {
        // The high 32 bits scaled to the table (Lemire's multiply-shift): no division.
        return (int) (((key >>> 32) * table.length) >>> 32);
    }

    @Override
    public int owner(int position) {
        return table[position];
    }

    @Override
    public int size() {
        return table.length;
    }

    static int primeAtLeast(int n) {
        for (int candidate = Math.max(2, n); ; candidate++) {
            if (isPrime(candidate)) {
                return candidate;
            }
        }
    }

    private static boolean isPrime(int n) {
        if (n < 4) {
            return n >= 2;
        }
        if (n % 2 == 0) {
            return false;
        }
        for (int d = 3; (long) d * d <= n; d += 2) {
            if (n % d == 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "maglev " + table.length;
    }
}
