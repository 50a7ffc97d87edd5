package dev.jlb.algorithm;

import static dev.jlb.algorithm.Backends.named;
import static dev.jlb.algorithm.Backends.picks;
import static dev.jlb.algorithm.Backends.scripted;
import static dev.jlb.algorithm.Backends.weighted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.jlb.config.AlgorithmName;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PeakEwmaChoiceTest {
    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000 * MS;

    private final AtomicLong clock = new AtomicLong(42 * SECOND);

    private Picker<TestBackend> picker(List<TestBackend> backends, int... draws) {
        return PeakEwmaChoice.create(scripted(draws), clock::get).pickerFor(backends);
    }

    private void answered(TestBackend backend, long latencyMillis) {
        backend.latency().observe(clock.get(), latencyMillis * MS);
    }

    @Test
    void theFasterOfTheTwoDrawnWins() {
        List<TestBackend> backends = named(3);
        answered(backends.get(0), 10);
        answered(backends.get(1), 50);
        answered(backends.get(2), 30);
        // Draws (a, b), (b, c), (c, b).
        assertEquals(List.of("a", "c", "c"), picks(picker(backends, 0, 1, 1, 2, 2, 1), 3));
    }

    @Test
    void requestsInFlightRaiseTheCost() {
        List<TestBackend> backends = named(2);
        answered(backends.get(0), 10);
        answered(backends.get(1), 50);
        // 10 ms x (9 + 1) costs more than 50 ms x (0 + 1).
        backends.get(0).inFlight(9);
        assertEquals("b", picker(backends, 0, 1).pick(0).name());
        // 10 ms x (4 + 1) is cheaper than 50 ms x 1? No: a tie, and the first drawn wins.
        backends.get(0).inFlight(4);
        assertEquals(List.of("a", "b"), picks(picker(backends, 0, 1, 1, 0), 2));
        backends.get(0).inFlight(3);
        assertEquals("a", picker(backends, 1, 0).pick(0).name());
    }

    @Test
    void theCostIsPerUnitOfWeight() {
        List<TestBackend> backends = weighted(1, 2);
        answered(backends.get(0), 10);
        answered(backends.get(1), 10);
        backends.get(0).inFlight(1);
        backends.get(1).inFlight(2);
        // a: 10 x 2 / 1 = 20; b: 10 x 3 / 2 = 15. Weights 1:2: column 0 is a below 2 of 3.
        assertEquals("b", picker(backends, 0, 0, 1).pick(0).name());
    }

    @Test
    void theCostIsPerUnitOfWarmth() {
        List<TestBackend> backends = named(2);
        answered(backends.get(0), 10);
        answered(backends.get(1), 6);
        // At half its warmth, b's 6 ms costs 12: a wins although slower.
        backends.get(1).warmth(500);
        assertEquals("a", picker(backends, 1, 1, 0).pick(0).name());
        backends.get(1).warmth(1000);
        assertEquals("b", picker(backends, 1, 0).pick(0).name());
    }

    @Test
    void aSlowBackendLeftWithoutTrafficBecomesCheapAgainAndIsTried() {
        List<TestBackend> backends = named(2);
        answered(backends.get(0), 10);
        answered(backends.get(1), 100);
        clock.addAndGet(20 * SECOND);
        answered(backends.get(0), 10);
        // b's 100 ms has decayed to 13.5 ms after 20 s: still dearer than a's fresh 10 ms.
        assertEquals("a", picker(backends, 1, 0).pick(0).name());
        clock.addAndGet(10 * SECOND);
        answered(backends.get(0), 10);
        // After 30 s, 5 ms: b is tried.
        assertEquals("b", picker(backends, 0, 1).pick(0).name());
    }

    @Test
    void aBackendThatHasNotAnsweredYetIsTriedOnceAtATime() {
        List<TestBackend> backends = named(2);
        answered(backends.get(0), 10);
        backends.get(0).inFlight(20);
        TestBackend fresh = backends.get(1);
        assertSame(fresh, picker(backends, 0, 1).pick(0));
        fresh.started();
        // While its first request is in flight it loses to any backend that has answered.
        assertSame(backends.get(0), picker(backends, 1, 0).pick(0));
        answered(fresh, 10);
        assertSame(fresh, picker(backends, 0, 1).pick(0));
    }

    @Test
    void backendsThatHaveNotAnsweredYetAreComparedByLoad() {
        List<TestBackend> backends = named(2);
        backends.get(0).inFlight(2);
        backends.get(1).inFlight(1);
        assertEquals("b", picker(backends, 0, 1).pick(0).name());
    }

    @Test
    void oneSnapshotFollowsTheInjectedClockFromPickToPick() {
        List<TestBackend> backends = named(2);
        answered(backends.get(0), 10);
        answered(backends.get(1), 30);
        Picker<TestBackend> picker = picker(backends, 1, 0);
        assertEquals("a", picker.pick(0).name());
        clock.addAndGet(20 * SECOND);
        answered(backends.get(0), 10);
        // b's 30 ms, 20 s old, reads 4 ms now.
        assertEquals("b", picker.pick(0).name());
    }

    @Test
    void saysWhatItIs() {
        assertEquals("peak_ewma", PeakEwmaChoice.create(scripted(0), clock::get).toString());
        assertEquals("peak_ewma over 2", picker(named(2), 0).toString());
        assertEquals("peak_ewma over 1", picker(named(1), 0).toString());
        assertEquals(
                AlgorithmName.PEAK_EWMA,
                Algorithms.create(AlgorithmName.PEAK_EWMA, scripted(0)).name());
    }
}
