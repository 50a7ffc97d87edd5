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
}
