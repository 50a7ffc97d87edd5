package dev.jlb.algorithm;

import dev.jlb.backend.Backend;
import dev.jlb.config.BackendAddress;
import dev.jlb.config.BackendSpec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/** Backends and scripted randomness for algorithm tests. */
final class Backends {
    private Backends() {
    }

    static Backend backend(String host, int weight) {
        return new Backend(new BackendSpec(new BackendAddress(host, 80), weight));
    }

    /** Backends named a, b, c... with the given weights. */
    static List<Backend> weighted(int... weights) {
        return IntStream.range(0, weights.length)
            .mapToObj(i -> backend(String.valueOf((char) ('a' + i)), weights[i]))
            .toList();
    }

    static List<Backend> named(int count) {
        return weighted(IntStream.generate(() -> 1).limit(count).toArray());
    }

    /** Randomness that answers the given values in turn (each taken modulo the bound). */
    static RandomSource scripted(int... values) {
        int[] next = {0};
        return bound -> Math.floorMod(values[next[0]++ % values.length], bound);
    }

    static List<String> picks(Picker picker, int count) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            names.add(picker.pick().address().host());
        }
        return names;
    }

    static Map<String, Integer> counts(Picker picker, int count) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < count; i++) {
            counts.merge(picker.pick().address().host(), 1, Integer::sum);
        }
        return counts;
    }
}
