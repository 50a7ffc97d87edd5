package dev.jlb.algorithm;

import static dev.jlb.algorithm.Backends.counts;
import static dev.jlb.algorithm.Backends.picks;
import static dev.jlb.algorithm.Backends.weighted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    @Test
    void aBackendAtATenthOfItsWarmthGetsATenthOfItsWeight() {
        List<TestBackend> backends = weighted(5, 1, 1);
        backends.get(2).warmth(100);
        // Weights 50, 10, 1: c takes one pick in 61 instead of one in 7.
        Picker<TestBackend> picker = WeightedRoundRobin.create().pickerFor(backends);
        assertEquals(Map.of("a", 500, "b", 100, "c", 10), counts(picker, 610));
    }

    @Test
    void warmthScalesTheWeightsBeforeTheirCommonDivisor() {
        List<TestBackend> backends = weighted(5, 1, 1);
        backends.get(0).warmth(200);
        // 5 x 2, 1 x 10, 1 x 10 is 1, 1, 1 after the divisor: plain turns.
        assertEquals(
                List.of("a", "b", "c"),
                WeightedRoundRobin.cycle(backends).stream()
                        .map(TestBackend::name)
                        .toList());
    }

    @Test
    void aBackendBackAtFullWarmthGetsExactlyItsShare() {
        List<TestBackend> backends = weighted(5, 1, 1);
        backends.get(2).warmth(100);
        assertEquals(61, WeightedRoundRobin.cycle(backends).size());
        backends.get(2).warmth(1000);
        assertEquals(
                List.of("a", "a", "b", "a", "c", "a", "a"),
                WeightedRoundRobin.cycle(backends).stream()
                        .map(TestBackend::name)
                        .toList());
    }

    @Test
    void saysWhatItIs() {
        assertEquals("weighted_round_robin", WeightedRoundRobin.create().toString());
        assertEquals(
                "weighted_round_robin over 3 (cycle of 7)",
                WeightedRoundRobin.create().pickerFor(weighted(5, 1, 1)).toString());
    }

    @Test
    void aHugeCycleIsBoundedAndKeepsTheSharesWithinOnePickInSixtyFiveThousand() {
        int[] weights = new int[1000];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = i + 1;
        }
        List<TestBackend> backends = weighted(weights);
        backends.get(500).warmth(100);
        long[] effective = new long[backends.size()];
        long total = 0;
        for (int i = 0; i < effective.length; i++) {
            effective[i] = (long) backends.get(i).weight() * backends.get(i).warmth() / 100;
            total += effective[i];
        }
        List<TestBackend> cycle = SmoothCycle.of(backends, effective);
        assertTrue(cycle.size() <= SmoothCycle.MAX_LENGTH + backends.size(), "cycle of " + cycle.size());
        java.util.Map<TestBackend, Integer> counts = new java.util.HashMap<>();
        cycle.forEach(b -> counts.merge(b, 1, Integer::sum));
        for (int i = 0; i < backends.size(); i++) {
            double expected = (double) effective[i] / total * cycle.size();
            assertEquals(
                    expected,
                    counts.getOrDefault(backends.get(i), 0),
                    1.0,
                    backends.get(i).name());
        }
    }
}
