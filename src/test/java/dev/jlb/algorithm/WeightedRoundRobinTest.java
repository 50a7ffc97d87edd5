package dev.jlb.algorithm;

import static dev.jlb.algorithm.Backends.counts;
import static dev.jlb.algorithm.Backends.picks;
import static dev.jlb.algorithm.Backends.weighted;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WeightedRoundRobinTest {
    @Test
    void smoothSequenceForFiveOneOneAsNginx() {
        Picker<TestBackend> picker = WeightedRoundRobin.create().pickerFor(weighted(5, 1, 1));
        assertEquals(List.of("a", "a", "b", "a", "c", "a", "a", "a", "a", "b", "a", "c", "a", "a"), picks(picker, 14));
    }

    @Test
    void everyCycleGivesEachBackendExactlyItsWeight() {
        Picker<TestBackend> picker = WeightedRoundRobin.startingAt(3).pickerFor(weighted(3, 2, 1));
        for (int cycle = 0; cycle < 5; cycle++) {
            List<String> picks = picks(picker, 6);
            assertEquals(3, Collections.frequency(picks, "a"), picks.toString());
            assertEquals(2, Collections.frequency(picks, "b"), picks.toString());
            assertEquals(1, Collections.frequency(picks, "c"), picks.toString());
        }
    }

    @Test
    void sharesFollowTheWeightsOverManyRequests() {
        Picker<TestBackend> picker = WeightedRoundRobin.startingAt(7).pickerFor(weighted(10, 1, 4));
        assertEquals(Map.of("a", 6000, "b", 600, "c", 2400), counts(picker, 9000));
    }

    @Test
    void equalWeightsAreRoundRobin() {
        Picker<TestBackend> picker = WeightedRoundRobin.create().pickerFor(weighted(4, 4, 4));
        assertEquals(List.of("a", "b", "c", "a", "b", "c"), picks(picker, 6));
    }

    @Test
    void cycleIsShortenedByTheCommonDivisorOfTheWeights() {
        assertEquals(7, WeightedRoundRobin.cycle(weighted(500, 100, 100)).size());
        assertEquals(
                List.of("a", "a", "b", "a", "c", "a", "a"),
                WeightedRoundRobin.cycle(weighted(500, 100, 100)).stream()
                        .map(TestBackend::name)
                        .toList());
    }

    @Test
    void wrapsAroundTheCounterWithoutFailing() {
        Picker<TestBackend> picker =
                WeightedRoundRobin.startingAt(Integer.MAX_VALUE - 1).pickerFor(weighted(5, 1, 1));
        assertEquals(10, picks(picker, 10).size());
    }
}
