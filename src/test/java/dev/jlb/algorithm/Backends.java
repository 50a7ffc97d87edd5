package dev.jlb.algorithm;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/** Backends and scripted randomness for algorithm tests. */
final class Backends {
    private Backends() {}

    static TestBackend backend(String name, int weight) {
        return new TestBackend(name, weight);
    }

    /** Backends named a, b, c... with the given weights. */
    static List<TestBackend> weighted(int... weights) {
        return IntStream.range(0, weights.length)
                .mapToObj(i -> backend(String.valueOf((char) ('a' + i)), weights[i]))
                .toList();
    }

    static List<TestBackend> named(int count) {
        return weighted(IntStream.generate(() -> 1).limit(count).toArray());
    }

    /** Randomness that answers the given values in turn (each taken modulo the bound). */
    static RandomSource scripted(int... values) {
        int[] next = {0};
        return bound -> Math.floorMod(values[next[0]++ % values.length], bound);
    }

    static List<String> picks(Picker<TestBackend> picker, int count) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            names.add(picker.pick(0).name());
        }
        return names;
    }

    static Map<String, Integer> counts(Picker<TestBackend> picker, int count) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < count; i++) {
            counts.merge(picker.pick(0).name(), 1, Integer::sum);
        }
        return counts;
    }
}
