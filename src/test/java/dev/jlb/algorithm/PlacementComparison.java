package dev.jlb.algorithm;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Scratch: ring against Maglev. Not committed. */
final class PlacementComparison {
    private PlacementComparison() {}

    static List<TestBackend> backends(int n, boolean mixedWeights) {
        List<TestBackend> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(new TestBackend(
                    "10.0." + (i / 250) + "." + (i % 250 + 1) + ":8080", mixedWeights ? 1 + (i * 7) % 5 : 1));
        }
        return list;
    }

    static long[] keys(int count) {
        long[] keys = new long[count];
        for (int i = 0; i < count; i++) {
            keys[i] = KeyHash.hash("client-" + i);
        }
        return keys;
    }

    public static void main(String[] args) {
        for (ConsistentHash.Kind kind : ConsistentHash.Kind.values()) {
            System.out.println("== " + kind);
            for (int n : new int[] {5, 100}) {
                for (int keyCount : new int[] {10_000, 100_000}) {
                    List<TestBackend> bs = backends(n, false);
                    Picker<TestBackend> p =
                            ConsistentHash.create(() -> 0, 0, kind).pickerFor(bs);
                    Map<String, Integer> counts = new HashMap<>();
                    for (long k : keys(keyCount)) {
                        counts.merge(p.pick(k).name(), 1, Integer::sum);
                    }
                    int max = counts.values().stream().mapToInt(x -> x).max().getAsInt();
                    int min = bs.size() == counts.size()
                            ? counts.values().stream().mapToInt(x -> x).min().getAsInt()
                            : 0;
                    System.out.printf(
                            "n=%d keys=%d  max/min %.3f  (max %d min %d, mean %d)  %s%n",
                            n, keyCount, (double) max / min, max, min, keyCount / n, p);
                }
                // exact share of hash space
                System.out.printf("n=%d exact max/min hash-space share %.3f%n", n, exactSpread(kind, n));
            }
            // weights 1..5 mixed at 100: share / weight spread
            {
                List<TestBackend> bs = backends(100, true);
                Picker<TestBackend> p = ConsistentHash.create(() -> 0, 0, kind).pickerFor(bs);
                Map<TestBackend, Integer> counts = new HashMap<>();
                int kc = 100_000;
                for (long k : keys(kc)) counts.merge(p.pick(k), 1, Integer::sum);
                long tw = bs.stream().mapToLong(TestBackend::weight).sum();
                double maxr = 0, minr = 1e9;
                for (TestBackend b : bs) {
                    double r = counts.getOrDefault(b, 0) / (kc * (double) b.weight() / tw);
                    maxr = Math.max(maxr, r);
                    minr = Math.min(minr, r);
                }
                System.out.printf("n=100 weights 1..5: share/expected in [%.3f, %.3f]%n", minr, maxr);
            }
            // moved when one of 5 leaves
            for (int leave = 0; leave < 5; leave++) {
                List<TestBackend> bs = backends(5, false);
                Picker<TestBackend> before =
                        ConsistentHash.create(() -> 0, 0, kind).pickerFor(bs);
                List<TestBackend> fewer = new ArrayList<>(bs);
                TestBackend gone = fewer.remove(leave);
                Picker<TestBackend> after =
                        ConsistentHash.create(() -> 0, 0, kind).pickerFor(fewer);
                int moved = 0, movedOther = 0, onGone = 0;
                long[] ks = keys(10_000);
                for (long k : ks) {
                    TestBackend b = before.pick(k), a = after.pick(k);
                    if (b == gone) onGone++;
                    if (b != a) {
                        moved++;
                        if (b != gone) movedOther++;
                    }
                }
                System.out.printf(
                        "1 of 5 leaves (%s): moved %.2f%% of 10,000 keys (on it %.2f%%, others moved %d)%n",
                        gone, moved / 100.0, onGone / 100.0, movedOther);
            }
            // build time
            for (int n : new int[] {5, 100, 1000}) {
                List<TestBackend> bs = backends(n, false);
                bs.forEach(b -> b.weight(1000));
                ConsistentHash ch = ConsistentHash.create(() -> 0, 0, kind);
                for (int w = 0; w < 5; w++) ch.pickerFor(bs);
                long t = System.nanoTime();
                Picker<TestBackend> p = null;
                for (int w = 0; w < 10; w++) p = ch.pickerFor(bs);
                System.out.printf("build n=%d: %.2f ms  %s%n", n, (System.nanoTime() - t) / 1e7, p);
            }
            {
                List<TestBackend> bs = backends(1000, false);
                for (int i = 0; i < bs.size(); i++) bs.get(i).weight(i == 0 ? 1 : 1000 - (i % 997));
                ConsistentHash ch = ConsistentHash.create(() -> 0, 0, kind);
                ch.pickerFor(bs);
                long t = System.nanoTime();
                Picker<TestBackend> p = ch.pickerFor(bs);
                System.out.printf("build n=1000 co-prime-ish weights: %.2f ms  %s%n", (System.nanoTime() - t) / 1e6, p);
            }
        }
    }

    static double exactSpread(ConsistentHash.Kind kind, int n) {
        List<TestBackend> bs = backends(n, false);
        List<TestBackend> sorted = new ArrayList<>(bs);
        sorted.sort(java.util.Comparator.comparing(TestBackend::route));
        List<String> routes = sorted.stream().map(TestBackend::route).toList();
        long[] w = new long[n];
        java.util.Arrays.fill(w, 1);
        Placement pl = kind == ConsistentHash.Kind.MAGLEV ? MaglevTable.build(routes, w) : HashRing.build(routes, w);
        double[] share = new double[n];
        // 2^22 evenly spaced keys over the whole circle.
        int samples = 1 << 22;
        long step = Long.divideUnsigned(-1L, samples);
        for (int i = 0; i < samples; i++) {
            share[pl.owner(pl.position(Long.MIN_VALUE + i * step))]++;
        }
        double max = 0, min = Double.MAX_VALUE;
        for (double s : share) {
            max = Math.max(max, s);
            min = Math.min(min, s);
        }
        return max / min;
    }
}
