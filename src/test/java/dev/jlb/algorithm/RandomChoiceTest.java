package dev.jlb.algorithm;

import static dev.jlb.algorithm.Backends.counts;
import static dev.jlb.algorithm.Backends.named;
import static dev.jlb.algorithm.Backends.picks;
import static dev.jlb.algorithm.Backends.scripted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RandomChoiceTest {
    @Test
    void picksTheBackendTheRandomSourceNames() {
        Picker<TestBackend> picker = RandomChoice.create(scripted(2, 0, 0, 1)).pickerFor(named(3));
        assertEquals(List.of("c", "a", "a", "b"), picks(picker, 4));
    }

    @Test
    void coversAllBackendsWithARoughlyUniformSpread() {
        SplittableRandom seeded = new SplittableRandom(42);
        Picker<TestBackend> picker = RandomChoice.create(seeded::nextInt).pickerFor(named(4));
        int picks = 40_000;
        Map<String, Integer> counts = counts(picker, picks);
        assertEquals(4, counts.size());
        // Binomial standard deviation here is about 87; allow six of them.
        counts.values().forEach(n -> assertTrue(Math.abs(n - picks / 4) < 520, counts.toString()));
    }
}
