package dev.jlb.algorithm;

import static dev.jlb.algorithm.Backends.counts;
import static dev.jlb.algorithm.Backends.named;
import static dev.jlb.algorithm.Backends.picks;
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
}
