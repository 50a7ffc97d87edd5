package dev.jlb.backend;

import dev.jlb.config.BackendAddress;
import dev.jlb.config.BackendSpec;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackendTest {
    private final Backend backend = new Backend(new BackendSpec(new BackendAddress("127.0.0.1", 3001), 2));

    private boolean check(boolean passed, int rise, int fall) {
        assertTrue(backend.beginCheck());
        return backend.endCheck(passed, 5_000_000_000L, 3_000_000, rise, fall);
    }

    @Test
    void isHealthyAndUncheckedAtFirst() {
        assertTrue(backend.isHealthy());
        assertFalse(backend.hasBeenChecked());
        assertEquals("127.0.0.1:3001", backend.authority());
        assertEquals("http://127.0.0.1:3001", backend.origin().toString());
    }

    @Test
    void theFirstCheckDecidesAtOnce() {
        assertTrue(check(false, 2, 2));
        assertFalse(backend.isHealthy());
        assertTrue(backend.hasBeenChecked());
        assertEquals(3_000_000, backend.lastCheckRoundTripNanos());
    }

    @Test
    void afterTheFirstCheckFallAndRiseNeedConsecutiveResults() {
        check(true, 2, 3);
        assertFalse(check(false, 2, 3));
        assertFalse(check(false, 2, 3));
        assertFalse(check(true, 2, 3));
        assertFalse(check(false, 2, 3));
        assertFalse(check(false, 2, 3));
        assertTrue(check(false, 2, 3));
        assertFalse(backend.isHealthy());
        assertFalse(check(true, 2, 3));
        assertTrue(check(true, 2, 3));
        assertTrue(backend.isHealthy());
    }

    @Test
    void onlyOneCheckAtATime() {
        assertTrue(backend.beginCheck());
        assertFalse(backend.beginCheck());
        backend.endCheck(true, 1, 1, 1, 1);
        assertTrue(backend.beginCheck());
    }

    @Test
    void countsRequestsInFlightAndFailures() {
        backend.requestStarted();
        backend.requestStarted();
        assertEquals(2, backend.inFlight());
        backend.requestEnded(true);
        backend.requestEnded(false);
        assertEquals(0, backend.inFlight());
        assertEquals(2, backend.requests());
        assertEquals(1, backend.failures());
    }

    @Test
    void latencyIsTheMeanInWholeMillisecondsAndForgottenAfterAMinute() {
        long now = 100_000_000_000L;
        assertEquals(-1, backend.latencyMillis(now));
        backend.recordLatency(now, 2_000_000);
        backend.recordLatency(now, 5_000_000);
        assertEquals(4, backend.latencyMillis(now));
        assertEquals(4, backend.latencyMillis(now + 59_000_000_000L));
        assertEquals(-1, backend.latencyMillis(now + 60_000_000_000L));
    }
}
