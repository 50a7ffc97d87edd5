package dev.jlb.algorithm;

import static dev.jlb.algorithm.Backends.counts;
import static dev.jlb.algorithm.Backends.named;
import static dev.jlb.algorithm.Backends.picks;
import static dev.jlb.algorithm.Backends.scripted;
import static dev.jlb.algorithm.Backends.weighted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LeastRequestTest {
    private static List<TestBackend> loaded(int... inFlight) {
        List<TestBackend> backends = named(inFlight.length);
        for (int i = 0; i < inFlight.length; i++) {
            backends.get(i).inFlight(inFlight[i]);
        }
        return backends;
    }

    @Test
    void theLessLoadedOfTheTwoDrawnWins() {
        List<TestBackend> backends = loaded(5, 1, 3);
        // Draws (a, c), (b, c), (c, a): c, b, c; the least loaded of all (b) only when drawn.
        Picker<TestBackend> picker =
                LeastRequest.create(scripted(0, 2, 1, 2, 2, 0)).pickerFor(backends);
        assertEquals(List.of("c", "b", "c"), picks(picker, 3));
    }

    @Test
    void aTieGoesToTheFirstDrawn() {
        Picker<TestBackend> picker = LeastRequest.create(scripted(1, 2, 2, 0)).pickerFor(loaded(4, 4, 4));
        assertEquals(List.of("b", "c"), picks(picker, 2));
    }

    @Test
    void theSecondDrawIsRedrawnWhenItIsTheFirstAgain() {
        // a, then a again, then c: a and c compared.
        Picker<TestBackend> picker = LeastRequest.create(scripted(0, 0, 2)).pickerFor(loaded(3, 0, 2));
        assertEquals("c", picker.pick(0).name());
    }

    @Test
    void afterThreeRedrawsOfTheSameTheNextBackendIsTaken() {
        // c four times: c and the next one, a (wrapping), compared.
        Picker<TestBackend> picker = LeastRequest.create(scripted(2, 2, 2, 2)).pickerFor(loaded(1, 0, 2));
        assertEquals("a", picker.pick(0).name());
    }

    @Test
    void comparesRequestsInFlightPerUnitOfWeight() {
        List<TestBackend> backends = weighted(3, 1);
        backends.get(0).inFlight(5);
        backends.get(1).inFlight(2);
        // Weights 3:1, so column 0 is all a, column 1 is b below 2 of 4. Draw b (column 1, coin
        // 0), then a (column 0): a holds 5 per 3 units, less than b's 2 per unit.
        Picker<TestBackend> picker = LeastRequest.create(scripted(1, 0, 0)).pickerFor(backends);
        assertSame(backends.get(0), picker.pick(0));
    }

    @Test
    void drawsInProportionToWeight() {
        SplittableRandom seeded = new SplittableRandom(11);
        // Nothing in flight: every comparison ties and the first drawn wins, so the shares are
        // the draws'.
        Picker<TestBackend> picker = LeastRequest.create(seeded::nextInt).pickerFor(weighted(1, 2, 3));
        Map<String, Integer> counts = counts(picker, 60_000);
        // Binomial standard deviations 91, 115 and 122; six allowed.
        assertEquals(10_000, counts.get("a"), 546, counts.toString());
        assertEquals(20_000, counts.get("b"), 690, counts.toString());
        assertEquals(30_000, counts.get("c"), 732, counts.toString());
    }

    @Test
    void aBackendAtATenthOfItsWarmthIsGivenATenthOfTheLoad() {
        List<TestBackend> backends = named(3);
        backends.get(2).warmth(100);
        SplittableRandom seeded = new SplittableRandom(5);
        Picker<TestBackend> picker = LeastRequest.create(seeded::nextInt).pickerFor(backends);
        // Requests that never end: the loads follow weight x warmth.
        for (int i = 0; i < 2100; i++) {
            picker.pick(0).started();
        }
        assertEquals(1000, backends.get(0).inFlight(), 10);
        assertEquals(1000, backends.get(1).inFlight(), 10);
        assertEquals(100, backends.get(2).inFlight(), 10);
    }

    @Test
    void aBackendBackAtFullWarmthIsGivenItsShare() {
        List<TestBackend> backends = named(3);
        backends.get(2).warmth(100);
        backends.get(2).warmth(1000);
        SplittableRandom seeded = new SplittableRandom(5);
        Picker<TestBackend> picker = LeastRequest.create(seeded::nextInt).pickerFor(backends);
        for (int i = 0; i < 2100; i++) {
            picker.pick(0).started();
        }
        // Two choices keep the loads within one or two of each other.
        backends.forEach(b -> assertEquals(700, b.inFlight(), 2, backends::toString));
    }

    @Test
    void aSingleBackendIsPickedWithoutDrawing() {
        List<TestBackend> one = named(1);
        Picker<TestBackend> picker = LeastRequest.create(bound -> {
                    throw new AssertionError("drew " + bound);
                })
                .pickerFor(one);
        assertSame(one.get(0), picker.pick(0));
        assertEquals("least_request over 1", picker.toString());
    }

    @Test
    void saysWhatItIs() {
        assertEquals("least_request", LeastRequest.create(scripted(0)).toString());
        assertEquals(
                "least_request over 3",
                LeastRequest.create(scripted(0)).pickerFor(named(3)).toString());
        assertTrue(Algorithms.create(dev.jlb.config.AlgorithmName.LEAST_REQUEST, scripted(0)) instanceof LeastRequest);
    }
}
