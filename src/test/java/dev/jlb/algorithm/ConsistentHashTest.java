package dev.jlb.algorithm;

import static dev.jlb.algorithm.Backends.named;
import static dev.jlb.algorithm.Backends.weighted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jlb.config.AlgorithmName;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ConsistentHashTest {
    private static Picker<TestBackend> unbounded(List<TestBackend> backends) {
        return ConsistentHash.create(() -> 0, 0).pickerFor(backends);
    }

    private static long[] keys(int count) {
        SplittableRandom random = new SplittableRandom(99);
        return random.longs(count).toArray();
    }

    /** Backends routed like jlb's derived ids, which sort differently from their list order. */
    private static List<TestBackend> hosts(int count) {
        return IntStream.range(0, count)
                .mapToObj(i -> new TestBackend("10.0.0." + (i + 1) + ":8080", 1))
                .toList();
    }

    @Test
    void theSameKeyGoesToTheSameBackend() {
        Picker<TestBackend> picker = unbounded(hosts(5));
        for (long key : keys(1000)) {
            TestBackend first = picker.pick(key);
            for (int i = 0; i < 3; i++) {
                assertSame(first, picker.pick(key));
            }
        }
    }

    @Test
    void anotherInstanceWithTheSameBackendsListedInAnotherOrderMakesTheSameChoices() {
        List<TestBackend> mine = hosts(7);
        List<TestBackend> theirs = new ArrayList<>(hosts(7));
        Collections.reverse(theirs);
        Picker<TestBackend> here = unbounded(mine);
        Picker<TestBackend> there = unbounded(theirs);
        for (long key : keys(2000)) {
            assertEquals(here.pick(key).name(), there.pick(key).name());
        }
    }

    @Test
    void keysOfTheProxyAreHashedTheSameWayEverywhere() {
        // Pinned: a change of hash or placement would send this client elsewhere after an upgrade,
        // and two versions side by side would disagree.
        Picker<TestBackend> picker = unbounded(hosts(5));
        assertEquals("10.0.0.3:8080", picker.pick(KeyHash.hash("client-42")).name());
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 10_000; i++) {
            counts.merge(picker.pick(KeyHash.hash("client-" + i)).name(), 1, Integer::sum);
        }
        assertEquals(5, counts.size(), counts.toString());
    }

    @Test
    void sharesFollowTheWeights() {
        Picker<TestBackend> picker = unbounded(weighted(1, 2, 3, 4));
        Map<String, Integer> counts = new HashMap<>();
        for (long key : keys(100_000)) {
            counts.merge(picker.pick(key).name(), 1, Integer::sum);
        }
        // 1,024 points per unit of weight: a share within a few per cent; 8% allowed.
        assertEquals(10_000, counts.get("a"), 800, counts.toString());
        assertEquals(20_000, counts.get("b"), 1600, counts.toString());
        assertEquals(30_000, counts.get("c"), 2400, counts.toString());
        assertEquals(40_000, counts.get("d"), 3200, counts.toString());
    }

    @Test
    void whenOneOfFiveLeavesOnlyItsKeysMove() {
        List<TestBackend> five = hosts(5);
        Picker<TestBackend> before = unbounded(five);
        for (TestBackend leaving : five) {
            List<TestBackend> four = new ArrayList<>(five);
            four.remove(leaving);
            Picker<TestBackend> after = unbounded(four);
            int moved = 0;
            for (long key : keys(10_000)) {
                TestBackend was = before.pick(key);
                if (was != leaving) {
                    assertSame(was, after.pick(key));
                } else {
                    moved++;
                }
            }
            assertTrue(moved <= 2_500, moved + " of 10,000 keys moved");
        }
    }

    @Test
    void slowStartDoesNotMoveKeys() {
        List<TestBackend> backends = hosts(4);
        Picker<TestBackend> warm = unbounded(backends);
        backends.get(2).warmth(100);
        Picker<TestBackend> warming = unbounded(backends);
        for (long key : keys(2000)) {
            assertSame(warm.pick(key), warming.pick(key));
        }
    }

    @Test
    void aFullBackendPassesTheKeyToTheNextOneWithRoom() {
        List<TestBackend> backends = named(3);
        AtomicInteger total = new AtomicInteger();
        Picker<TestBackend> picker = ConsistentHash.create(total::get, 100).pickerFor(backends);
        long key = 7;
        TestBackend home = picker.pick(key);
        // 5 in flight in all: each may hold ceil(1.00 x 6 / 3) = 2.
        home.inFlight(5);
        total.set(5);
        TestBackend elsewhere = picker.pick(key);
        assertNotSame(home, elsewhere);
        assertSame(elsewhere, picker.pick(key));
        // Back under its capacity (1 of 2, the others holding the rest), it has the key again.
        home.inFlight(1);
        assertSame(home, picker.pick(key));
    }

    @Test
    void whenEveryBackendIsFullTheKeyStaysHome() {
        List<TestBackend> backends = named(3);
        backends.forEach(b -> b.inFlight(5));
        // The pool's total lags the backends' counts: each may hold ceil(1.25 x 1 / 3) = 1.
        Picker<TestBackend> bounded = ConsistentHash.create(() -> 0, 125).pickerFor(backends);
        Picker<TestBackend> plain = unbounded(backends);
        for (long key : keys(100)) {
            assertSame(plain.pick(key), bounded.pick(key));
        }
    }

    @Test
    void withoutABalanceFactorLoadDoesNotMoveKeys() {
        List<TestBackend> backends = named(3);
        Picker<TestBackend> picker = ConsistentHash.create(() -> 1000, 0).pickerFor(backends);
        TestBackend home = picker.pick(3);
        home.inFlight(1000);
        assertSame(home, picker.pick(3));
    }

    @Test
    void amongManyBackendsTheOnlyOneWithRoomIsFound() {
        List<TestBackend> backends = hosts(100);
        backends.forEach(b -> b.inFlight(10));
        TestBackend idle = backends.get(63);
        idle.inFlight(0);
        // 990 in flight: each may hold ceil(1.00 x 991 / 100) = 10, so only the idle one has room.
        Picker<TestBackend> picker = ConsistentHash.create(() -> 990, 100).pickerFor(backends);
        for (long key : keys(500)) {
            assertSame(idle, picker.pick(key));
        }
    }

    @Test
    void readsThePoolsTotalOncePerPickAndOnlyWithABound() {
        AtomicInteger reads = new AtomicInteger();
        Picker<TestBackend> bounded = ConsistentHash.create(
                        () -> {
                            reads.incrementAndGet();
                            return 0;
                        },
                        125)
                .pickerFor(hosts(5));
        hosts(5).forEach(b -> b.inFlight(3));
        for (long key : keys(100)) {
            bounded.pick(key);
        }
        assertEquals(100, reads.get());
        reads.set(0);
        Picker<TestBackend> unbounded = ConsistentHash.create(
                        () -> {
                            reads.incrementAndGet();
                            return 0;
                        },
                        0)
                .pickerFor(hosts(5));
        unbounded.pick(1);
        assertEquals(0, reads.get());
    }

    @Test
    void aSingleBackendTakesEveryKey() {
        List<TestBackend> one = hosts(1);
        Picker<TestBackend> picker = ConsistentHash.create(() -> 0, 125).pickerFor(one);
        for (long key : keys(10)) {
            assertSame(one.get(0), picker.pick(key));
        }
    }

    @Test
    void refusesANegativeBalanceFactor() {
        assertThrows(IllegalArgumentException.class, () -> ConsistentHash.create(() -> 0, -1));
    }

    @Test
    void routesByKeyAndSaysWhatItIs() {
        Algorithm algorithm = Algorithms.create(
                AlgorithmName.CONSISTENT_HASH, new AlgorithmOptions(bound -> 0, () -> 0L, () -> 0, 125));
        assertTrue(algorithm.usesKey());
        assertEquals("consistent_hash", algorithm.toString());
        assertEquals(
                "consistent_hash over 5 (ring of 5120)",
                algorithm.pickerFor(hosts(5)).toString());
    }
}
