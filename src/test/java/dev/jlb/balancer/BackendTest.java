package dev.jlb.balancer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jlb.config.BackendAddress;
import dev.jlb.config.BackendSpec;
import org.junit.jupiter.api.Test;

class BackendTest {
    private final Backend backend = new Backend(new BackendSpec(new BackendAddress("127.0.0.1", 3001), 2));

    @Test
    void isNamedByItsAuthorityAndHealthyAtFirst() {
        assertTrue(backend.isHealthy());
        assertTrue(backend.isEligible());
        assertEquals("127.0.0.1:3001", backend.authority());
        assertEquals("http://127.0.0.1:3001", backend.origin().toString());
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
