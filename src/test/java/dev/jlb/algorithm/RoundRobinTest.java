package dev.jlb.algorithm;

import static dev.jlb.algorithm.Backends.counts;
import static dev.jlb.algorithm.Backends.named;
import static dev.jlb.algorithm.Backends.picks;
import static dev.jlb.algorithm.Backends.weighted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoundRobinTest {
    @Test
    void takesTheBackendsInTurn() {
        Picker<TestBackend> picker = RoundRobin.create().pickerFor(named(3));
        assertEquals(List.of("a", "b", "c", "a", "b", "c", "a"), picks(picker, 7));
    }

    @Test
    void startsWhereItIsToldTo() {
        Picker<TestBackend> picker = RoundRobin.startingAt(1).pickerFor(named(3));
        assertEquals(List.of("b", "c", "a", "b"), picks(picker, 4));
    }

    @Test
    void givesEachBackendItsShareRoundedUpOrDown() {
        Picker<TestBackend> picker = RoundRobin.startingAt(2).pickerFor(named(3));
        Map<String, Integer> counts = counts(picker, 100);
        assertEquals(3, counts.size());
        counts.values().forEach(n -> assertTrue(n == 33 || n == 34, counts.toString()));
    }

    @Test
    void keepsItsPlaceWhenTheSnapshotIsRebuilt() {
        RoundRobin roundRobin = RoundRobin.create();
        assertEquals(List.of("a", "b"), picks(roundRobin.pickerFor(named(4)), 2));
        assertEquals(List.of("c", "d", "a"), picks(roundRobin.pickerFor(named(4)), 3));
    }

    @Test
    void wrapsAroundPastTheLargestIntWithoutANegativeIndex() {
        Picker<TestBackend> picker =
                RoundRobin.startingAt(Integer.MAX_VALUE - 2).pickerFor(named(3));
        // The counter runs on through 2^31 (read as unsigned) and wraps at 2^32 to 0.
        List<String> picks = picks(picker, 8);
        assertEquals(List.of("c", "a", "b", "c", "a", "b", "c", "a"), picks);
        Picker<TestBackend> nearWrap = RoundRobin.startingAt(-2).pickerFor(named(3));
        // 2^32-2 mod 3 = 2, 2^32-1 mod 3 = 0, then 0, 1, 2 after the wrap.
        assertEquals(List.of("c", "a", "a", "b", "c"), picks(nearWrap, 5));
    }

    @Test
    void aBackendAtATenthOfItsWarmthGetsOneTurnWhereAWarmOneGetsTen() {
        List<TestBackend> backends = named(3);
        backends.get(2).warmth(100);
        Picker<TestBackend> picker = RoundRobin.create().pickerFor(backends);
        assertEquals(Map.of("a", 100, "b", 100, "c", 10), counts(picker, 210));
    }

    @Test
    void aBackendWarmingUpIsSpreadThroughTheCycleAsNginxWould() {
        List<TestBackend> backends = named(2);
        backends.get(1).warmth(500);
        // Warmths 10 and 5 tenths: the smooth cycle on 2, 1.
        Picker<TestBackend> picker = RoundRobin.create().pickerFor(backends);
        assertEquals(List.of("a", "b", "a", "a", "b", "a"), picks(picker, 6));
    }

    @Test
    void configuredWeightsAreStillIgnoredDuringASlowStart() {
        List<TestBackend> backends = weighted(5, 1, 1);
        backends.get(2).warmth(100);
        Picker<TestBackend> picker = RoundRobin.create().pickerFor(backends);
        assertEquals(Map.of("a", 10, "b", 10, "c", 1), counts(picker, 21));
    }

    @Test
    void aBackendBackAtFullWarmthGetsExactlyItsShare() {
        List<TestBackend> backends = named(3);
        backends.get(2).warmth(100);
        RoundRobin roundRobin = RoundRobin.create();
        roundRobin.pickerFor(backends).pick(0);
        backends.get(2).warmth(1000);
        assertEquals(Map.of("a", 100, "b", 100, "c", 100), counts(roundRobin.pickerFor(backends), 300));
    }

    @Test
    void saysWhatItIs() {
        assertEquals("round_robin", RoundRobin.create().toString());
        assertEquals(
                "round_robin over 3", RoundRobin.create().pickerFor(named(3)).toString());
        List<TestBackend> backends = named(3);
        backends.get(0).warmth(100);
        assertEquals(
                "round_robin over 3 (cycle of 21)",
                RoundRobin.create().pickerFor(backends).toString());
    }
}
