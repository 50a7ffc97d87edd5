package dev.jlb.backend;

import dev.jlb.config.BackendAddress;
import dev.jlb.config.BackendSpec;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * One backend: its address and weight, its traffic counters and its health. Counters live here,
 * not in a snapshot, so that rebuilding a snapshot never resets them.
 */
public final class Backend {
    private static final long NEVER = Long.MIN_VALUE;

    private final BackendAddress address;
    private final String authority;
    private final String baseUri;
    private final int weight;

    private final AtomicInteger inFlight = new AtomicInteger();
    private final LongAdder requests = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LatencyWindow latency = new LatencyWindow();

    private final AtomicBoolean checkInFlight = new AtomicBoolean();
    private volatile boolean healthy = true;
    private volatile boolean checked;
    private volatile long lastCheckNanos = NEVER;
    private volatile long lastCheckRoundTripNanos;
    // Touched only by the completion of this backend's one check in flight; checkInFlight orders them.
    private int consecutivePasses;
    private int consecutiveFailures;

    public Backend(BackendSpec spec) {
        this.address = spec.address();
        this.authority = address.toString();
        this.baseUri = "http://" + authority;
        this.weight = spec.weight();
    }

    public BackendAddress address() {
        return address;
    }

    /** {@code HOST:PORT}, as in headers and JSON. */
    public String authority() {
        return authority;
    }

    /** {@code http://HOST:PORT}, to which a request's path is appended. */
    public String baseUri() {
        return baseUri;
    }

    public int weight() {
        return weight;
    }

    // ---- traffic -------------------------------------------------------------------------

    /** A request is being sent to this backend. Must be paired with exactly one {@link #requestEnded}. */
    public void requestStarted() {
        inFlight.incrementAndGet();
        requests.increment();
    }

    /**
     * @param failed whether the request ended without a complete response from this backend
     */
    public void requestEnded(boolean failed) {
        inFlight.decrementAndGet();
        if (failed) {
            failures.increment();
        }
    }

    /** Records the time the backend took to send its response headers. */
    public void recordLatency(long nowNanos, long latencyNanos) {
        latency.record(TimeUnit.NANOSECONDS.toSeconds(nowNanos), TimeUnit.NANOSECONDS.toMicros(latencyNanos));
    }

    public int inFlight() {
        return inFlight.get();
    }

    public long requests() {
        return requests.sum();
    }

    public long failures() {
        return failures.sum();
    }

    /** Mean time to response headers over the last 60 s, in whole milliseconds, or -1 without requests. */
    public long latencyMillis(long nowNanos) {
        long micros = latency.mean(TimeUnit.NANOSECONDS.toSeconds(nowNanos));
        return micros < 0 ? -1 : Math.round(micros / 1000.0);
    }

    // ---- health --------------------------------------------------------------------------

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

    @Override
    public String toString() {
        return authority;
    }
}
