package dev.jlb.algorithm;

import static dev.jlb.algorithm.Backends.named;
import static dev.jlb.algorithm.Backends.picks;
import static dev.jlb.algorithm.Backends.scripted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import org.junit.jupiter.api.Test;

class LeastConnectionsTest {
    private static void load(TestBackend backend, int requests) {
        for (int i = 0; i < requests; i++) {
            backend.started();
        }
    }

    @Test
    void prefersTheLeastLoadedBackend() {
        List<TestBackend> backends = named(3);
        load(backends.get(0), 5);
        load(backends.get(1), 1);
        load(backends.get(2), 3);
        Picker<TestBackend> picker = LeastConnections.create(scripted(0)).pickerFor(backends);
        for (int i = 0; i < 5; i++) {
            assertSame(backends.get(1), picker.pick(0));
        }
    }

    @Test
    void breaksTiesInTurnNotAlwaysTheFirst() {
        Picker<TestBackend> picker = LeastConnections.create(scripted(0)).pickerFor(named(3));
        assertEquals(List.of("a", "b", "c", "a", "b", "c"), picks(picker, 6));
    }

    @Test
    void breaksTiesInTurnAmongTheLeastLoadedOnly() {
        List<TestBackend> backends = named(4);
        load(backends.get(0), 2);
        load(backends.get(2), 2);
        Picker<TestBackend> picker = LeastConnections.create(scripted(0)).pickerFor(backends);
        assertEquals(List.of("b", "b", "d", "d", "b", "b"), picks(picker, 6));
    }

    @Test
    void followsTheLoadAsRequestsStartAndEnd() {
        List<TestBackend> backends = named(2);
        Picker<TestBackend> picker = LeastConnections.create(scripted(0)).pickerFor(backends);
        TestBackend first = picker.pick(0);
        first.started();
        TestBackend second = picker.pick(0);
        assertNotSame(first, second);
        second.started();
        second.started();
        assertSame(first, picker.pick(0));
        first.ended();
        second.ended();
        second.ended();
        assertEquals(0, first.inFlight());
        assertEquals(0, second.inFlight());
    }

    @Test
    void comparesRequestsInFlightPerUnitOfWarmth() {
        List<TestBackend> backends = named(2);
        load(backends.get(0), 5);
        load(backends.get(1), 3);
        backends.get(1).warmth(500);
        // 5 per 1000 is less than 3 per 500: the busier warm backend wins.
        Picker<TestBackend> picker = LeastConnections.create(scripted(1)).pickerFor(backends);
        assertSame(backends.get(0), picker.pick(0));
    }

    @Test
    void aBackendAtATenthOfItsWarmthIsGivenATenthOfTheLoad() {
        List<TestBackend> backends = named(3);
        backends.get(2).warmth(100);
        Picker<TestBackend> picker = LeastConnections.create(scripted(0)).pickerFor(backends);
        // Requests that never end: each backend ends up holding load in proportion to its warmth.
        for (int i = 0; i < 2100; i++) {
            picker.pick(0).started();
        }
        assertEquals(1000, backends.get(0).inFlight(), 1);
        assertEquals(1000, backends.get(1).inFlight(), 1);
        assertEquals(100, backends.get(2).inFlight(), 1);
    }

    @Test
    void aBackendBackAtFullWarmthIsGivenExactlyItsShare() {
        List<TestBackend> backends = named(3);
        backends.get(2).warmth(100);
        backends.get(2).warmth(1000);
        Picker<TestBackend> picker = LeastConnections.create(scripted(0)).pickerFor(backends);
        for (int i = 0; i < 2100; i++) {
            picker.pick(0).started();
        }
        backends.forEach(b -> assertEquals(700, b.inFlight()));
    }

    @Test
    void breaksTiesPerUnitOfWarmthInTurn() {
        List<TestBackend> backends = named(3);
        load(backends.get(0), 2);
        load(backends.get(1), 4);
        backends.get(0).warmth(500);
        load(backends.get(2), 9);
        Picker<TestBackend> picker = LeastConnections.create(scripted(0)).pickerFor(backends);
        // a (2 per 500) and b (4 per 1000) tie; c (9 per 1000) never wins, and a scan starting
        // at c reaches a first.
        assertEquals(List.of("a", "b", "a", "a", "b", "a"), picks(picker, 6));
        assertEquals("least_connections over 3 (by warmth)", picker.toString());
    }
}
