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

    @Test
    void drawsAColumnThenACoinWhileABackendWarmsUp() {
        List<TestBackend> backends = named(2);
        backends.get(1).warmth(100);
        // Warmths 10:1. Column 0 is all a's; column 1 is b below 2 of 11 and a above.
        Picker<TestBackend> picker =
                RandomChoice.create(scripted(1, 1, 1, 2, 0)).pickerFor(backends);
        assertEquals(List.of("b", "a", "a"), picks(picker, 3));
    }

    @Test
    void aBackendAtATenthOfItsWarmthIsDrawnATenthAsOften() {
        List<TestBackend> backends = named(3);
        backends.get(2).warmth(100);
        SplittableRandom seeded = new SplittableRandom(42);
        Picker<TestBackend> picker = RandomChoice.create(seeded::nextInt).pickerFor(backends);
        int picks = 42_000;
        Map<String, Integer> counts = counts(picker, picks);
        // Expected 20,000, 20,000 and 2,000; six binomial standard deviations (102 and 44) allowed.
        assertTrue(Math.abs(counts.get("a") - 20_000) < 612, counts.toString());
        assertTrue(Math.abs(counts.get("b") - 20_000) < 612, counts.toString());
        assertTrue(Math.abs(counts.get("c") - 2_000) < 264, counts.toString());
    }

    @Test
    void drawsUniformlyAgainOnceEveryBackendIsWarm() {
        List<TestBackend> backends = named(3);
        backends.get(2).warmth(100);
        backends.get(2).warmth(1000);
        Picker<TestBackend> picker = RandomChoice.create(scripted(2, 0, 1)).pickerFor(backends);
        assertEquals(List.of("c", "a", "b"), picks(picker, 3));
        assertEquals("random over 3", picker.toString());
    }
}
