package dev.jlb.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HealthStateTest {
    private final HealthState health = new HealthState(true);

    private boolean check(boolean passed, int rise, int fall) {
        assertTrue(health.beginCheck());
        return health.endCheck(passed, 5_000_000_000L, 3_000_000, rise, fall);
    }

    @Test
    void isHealthyAndUncheckedAtFirst() {
        assertTrue(health.isHealthy());
        assertFalse(health.hasBeenChecked());
    }

    @Test
    void theFirstCheckDecidesAtOnce() {
        assertTrue(check(false, 2, 2));
        assertFalse(health.isHealthy());
        assertTrue(health.hasBeenChecked());
        assertEquals(3_000_000, health.lastCheckRoundTripNanos());
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
        assertFalse(health.isHealthy());
        assertFalse(check(true, 2, 3));
        assertTrue(check(true, 2, 3));
        assertTrue(health.isHealthy());
    }

    @Test
    void onlyOneCheckAtATime() {
        assertTrue(health.beginCheck());
        assertFalse(health.beginCheck());
        health.endCheck(true, 1, 1, 1, 1);
        assertTrue(health.beginCheck());
    }
}
