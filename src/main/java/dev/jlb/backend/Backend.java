package dev.jlb.backend;

import dev.jlb.config.BackendAddress;
import dev.jlb.config.BackendSpec;

import java.net.URI;
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
    private final URI origin;
    private volatile int weight;
    private volatile AdminState state = AdminState.ENABLED;
    private volatile boolean removing;
    private volatile BackendMeters meters = BackendMeters.NONE;
    private volatile Runnable whenIdle;

    private final AtomicInteger inFlight = new AtomicInteger();
    private final LongAdder requests = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private final LatencyWindow latency = new LatencyWindow();
    private final OutlierState outlier = new OutlierState();

    private final AtomicBoolean checkInFlight = new AtomicBoolean();
    private volatile boolean healthy;
    private volatile boolean checked;
    private volatile long lastCheckNanos = NEVER;
    private volatile long lastCheckRoundTripNanos;
    // Touched only by the completion of this backend's one check in flight; checkInFlight orders them.
    private int consecutivePasses;
    private int consecutiveFailures;

    /** A backend of the start-up configuration: assumed healthy until its first check. */
    public Backend(BackendSpec spec) {
        this(spec, true);
    }

    /**
     * @param assumedHealthy whether it takes traffic before its first health check (a backend
     *                       added at run time does not)
     */
    public Backend(BackendSpec spec, boolean assumedHealthy) {
        this.address = spec.address();
        this.authority = address.toString();
        this.origin = URI.create("http://" + authority);
        this.weight = spec.weight();
        this.healthy = assumedHealthy;
    }

    public BackendAddress address() {
        return address;
    }

    /** {@code HOST:PORT}, as in headers and JSON. */
    public String authority() {
        return authority;
    }

    /** {@code http://HOST:PORT}, where its requests go, parsed once. */
    public URI origin() {
        return origin;
    }

    public int weight() {
        return weight;
    }

    public void weight(int weight) {
        this.weight = weight;
    }

    public AdminState state() {
        return state;
    }

    public void state(AdminState state) {
        this.state = state;
    }

    /** {@code enabled}, {@code draining}, or {@code drained} once a draining backend has nothing in flight. */
    public String stateName() {
        if (state == AdminState.ENABLED && !removing) {
            return "enabled";
        }
        return inFlight.get() == 0 ? "drained" : "draining";
    }

    /** Whether it is on its way out of the pool, once its requests in flight have finished. */
    public boolean isRemoving() {
        return removing;
    }

    public void markRemoving() {
        removing = true;
    }

    /** Where its traffic is recorded for metrics. */
    public BackendMeters meters() {
        return meters;
    }

    public void meters(BackendMeters meters) {
        this.meters = meters;
    }

    /**
     * An action for when the last request in flight ends while the backend takes no new ones
     * (draining or being removed).
     */
    public void whenIdle(Runnable action) {
        this.whenIdle = action;
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
        if (failed) {
            failures.increment();
        }
        if (inFlight.decrementAndGet() == 0 && (state != AdminState.ENABLED || removing)) {
            Runnable action = whenIdle;
            if (action != null) {
                action.run();
            }
        }
    }

    /** Records the time the backend took to send its response headers. */
    public void recordLatency(long nowNanos, long latencyNanos) {
        latency.record(TimeUnit.NANOSECONDS.toSeconds(nowNanos), TimeUnit.NANOSECONDS.toMicros(latencyNanos));
    }

    /** A request that failed here was sent on to another backend. */
    public void retried() {
        retries.increment();
    }

    public long retries() {
        return retries.sum();
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

    /** Whether the active health checks find the backend healthy. */
    public boolean isHealthy() {
        return healthy;
    }

    /** Whether the backend may take new requests: healthy, not ejected, enabled and staying. */
    public boolean isEligible() {
        return healthy && !outlier.isEjected() && state == AdminState.ENABLED && !removing;
    }

    /** Why the backend takes no traffic: {@code ejected}, {@code health_check}, or {@code null} when it does. */
    public String outReason() {
        if (outlier.isEjected()) {
            return "ejected";
        }
        return healthy ? null : "health_check";
    }

    /** Its passive health: failures on live traffic and ejection. */
    public OutlierState outlier() {
        return outlier;
    }

    public boolean isEjected() {
        return outlier.isEjected();
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
