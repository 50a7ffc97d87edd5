package dev.jlb.algorithm;

import dev.jlb.backend.Backend;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.jlb.algorithm.Backends.named;
import static dev.jlb.algorithm.Backends.picks;
import static dev.jlb.algorithm.Backends.scripted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

class LeastConnectionsTest {
    private static void load(Backend backend, int requests) {
        for (int i = 0; i < requests; i++) {
            backend.requestStarted();
        }
    }

    @Test
    void prefersTheLeastLoadedBackend() {
        List<Backend> backends = named(3);
        load(backends.get(0), 5);
        load(backends.get(1), 1);
        load(backends.get(2), 3);
        Picker picker = LeastConnections.create(scripted(0)).pickerFor(backends);
        for (int i = 0; i < 5; i++) {
            assertSame(backends.get(1), picker.pick());
        }
    }

    @Test
    void breaksTiesInTurnNotAlwaysTheFirst() {
        Picker picker = LeastConnections.create(scripted(0)).pickerFor(named(3));
        assertEquals(List.of("a", "b", "c", "a", "b", "c"), picks(picker, 6));
    }

    @Test
    void breaksTiesInTurnAmongTheLeastLoadedOnly() {
        List<Backend> backends = named(4);
        load(backends.get(0), 2);
        load(backends.get(2), 2);
        Picker picker = LeastConnections.create(scripted(0)).pickerFor(backends);
        assertEquals(List.of("b", "b", "d", "d", "b", "b"), picks(picker, 6));
    }

    @Test
    void followsTheLoadAsRequestsStartAndEnd() {
        List<Backend> backends = named(2);
        Picker picker = LeastConnections.create(scripted(0)).pickerFor(backends);
        Backend first = picker.pick();
        first.requestStarted();
        Backend second = picker.pick();
        assertNotSame(first, second);
        second.requestStarted();
        second.requestStarted();
        assertSame(first, picker.pick());
        first.requestEnded(false);
        second.requestEnded(false);
        second.requestEnded(false);
        assertEquals(0, first.inFlight());
        assertEquals(0, second.inFlight());
    }
}
