package dev.jlb.health;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A backend's active health: whether its checks find it healthy, by the rise and fall rule, and
 * when it was last checked. One check at a time: {@link #beginCheck()} claims it and
 * {@link #endCheck} releases it, which orders the counters that only the check touches.
 */
public final class HealthState {
    private static final long NEVER = Long.MIN_VALUE;

    private final AtomicBoolean checkInFlight = new AtomicBoolean();
    private volatile boolean healthy;
    private volatile boolean checked;
    private volatile long lastCheckNanos = NEVER;
    private volatile long lastCheckRoundTripNanos;
    // Touched only by the completion of the one check in flight; checkInFlight orders them.
    private int consecutivePasses;
    private int consecutiveFailures;

    /**
     * @param assumedHealthy whether the backend counts as healthy before its first check (a
     *                       backend of the start-up configuration does, one added later does not)
     */
    public HealthState(boolean assumedHealthy) {
        this.healthy = assumedHealthy;
    }

    /** Whether the active health checks find the backend healthy. */
    public boolean isHealthy() {
        return healthy;
    }

    /** Claims the right to run a health check; false while the previous one is still in flight. */
    public boolean beginCheck() {
        return checkInFlight.compareAndSet(false, true);
    }

    /**
     * Records the result of a health check begun with {@link #beginCheck()}.
     *
     * <p>The first result sets the state directly. After that, a healthy backend goes down after
     * {@code fall} consecutive failures and an unhealthy one comes back after {@code rise}
     * consecutive passes.
     *
     * @return whether the backend's health changed
     */
    public boolean endCheck(boolean passed, long nowNanos, long roundTripNanos, int rise, int fall) {
        try {
            lastCheckRoundTripNanos = roundTripNanos;
            lastCheckNanos = nowNanos;
            if (passed) {
                consecutivePasses++;
                consecutiveFailures = 0;
            } else {
                consecutiveFailures++;
                consecutivePasses = 0;
            }
            boolean wasHealthy = healthy;
            boolean nowHealthy;
            if (!checked) {
                checked = true;
                nowHealthy = passed;
            } else if (wasHealthy) {
                nowHealthy = consecutiveFailures < fall;
            } else {
                nowHealthy = consecutivePasses >= rise;
            }
            healthy = nowHealthy;
            return nowHealthy != wasHealthy;
        } finally {
            checkInFlight.set(false);
        }
    }

    /** Whether a health check has completed yet. */
    public boolean hasBeenChecked() {
        return lastCheckNanos != NEVER;
    }

    /** When the last health check completed, on the clock's nanosecond scale; only if {@link #hasBeenChecked()}. */
    public long lastCheckNanos() {
        return lastCheckNanos;
    }

    /** Round trip of the last health check, in nanoseconds; only if {@link #hasBeenChecked()}. */
    public long lastCheckRoundTripNanos() {
        return lastCheckRoundTripNanos;
    }
}
