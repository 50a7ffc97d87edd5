package dev.jlb.balancer;

import dev.jlb.config.BackendAddress;
import dev.jlb.config.BackendSpec;
import dev.jlb.health.HealthState;
import dev.jlb.health.Monitored;
import dev.jlb.health.OutlierState;
import dev.jlb.view.BackendView;
import dev.jlb.view.PeakEwma;
import java.math.BigDecimal;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * One backend: its address, weight and admin state, its traffic counters, and its active and
 * passive health (each in an object of its own). Counters live here, not in a snapshot, so that
 * rebuilding a snapshot never resets them. Algorithms see it only as a {@link BackendView},
 * health checking only as {@link Monitored}.
 */
public final class Backend implements BackendView, Monitored {
    /** {@link #warmingSince()} of a backend that is not in a slow start. */
    static final long NOT_WARMING = Long.MIN_VALUE;

    private final BackendAddress address;
    private final String authority;
    private final URI origin;
    private final String route;
    private final String source;
    private final PeakEwma peakEwma = new PeakEwma();
    private volatile int warmth = WARM;
    // Written by the pool under its lock (see SlowStart).
    private long warmingSince = NOT_WARMING;
    private volatile LongAdder poolInFlight;
    private volatile int weight;
    // The weight its source last asked for; written by the pool under its lock.
    private int sourceWeight;
    private volatile AdminState state = AdminState.ENABLED;
    private volatile boolean removing;
    private volatile BackendMeters meters = BackendMeters.NONE;
    private volatile Runnable whenIdle;

    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger websockets = new AtomicInteger();
    private final LongAdder requests = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private final LatencyWindow latency = new LatencyWindow();
    private final OutlierState outlier = new OutlierState();
    private final HealthState health;

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
        this.origin = URI.create(spec.origin());
        this.route = spec.routeId();
        this.weight = spec.weight();
        this.sourceWeight = spec.weight();
        this.source = spec.source();
        this.health = new HealthState(assumedHealthy);
    }

    @Override
    public BackendAddress address() {
        return address;
    }

    /** {@code HOST:PORT}, as in headers and JSON. */
    public String authority() {
        return authority;
    }

    /** {@code http://HOST:PORT}, where its requests go, parsed once. */
    @Override
    public URI origin() {
        return origin;
    }

    @Override
    public int weight() {
        return weight;
    }

    @Override
    public int warmth() {
        return warmth;
    }

    /** Sets its slow-start warmth (see {@link BackendView#warmth()}); the pool does, before a rebuild. */
    void warmth(int warmth) {
        this.warmth = warmth;
    }

    /** When its slow start began, on the clock's scale, or {@link #NOT_WARMING}. */
    long warmingSince() {
        return warmingSince;
    }

    void warmingSince(long nanos) {
        this.warmingSince = nanos;
    }

    /** Counts its requests in flight into its pool's total too (consistent hashing's load bound reads it). */
    void countInto(LongAdder total) {
        this.poolInFlight = total;
    }

    /**
     * Whether a request whose session names this backend may go to it: healthy, not ejected and
     * staying. A draining backend still takes those, so that its sessions finish there.
     */
    public boolean isRoutable() {
        return health.isHealthy() && !outlier.isEjected() && !removing;
    }

    /** Its weight now, as {@code /lb-stats} shows it: lower during a slow start. */
    public BigDecimal effectiveWeight() {
        BigDecimal effective = BigDecimal.valueOf((long) weight * warmth, 3).stripTrailingZeros();
        return effective.scale() < 0 ? effective.setScale(0) : effective;
    }

    /** Where it comes from: {@code static}, {@code admin}, {@code dns:NAME:PORT} or {@code srv:NAME}. */
    public String source() {
        return source;
    }

    /** The weight its source gave it last, which an admin's change of weight outlives until the source changes it. */
    int sourceWeight() {
        return sourceWeight;
    }

    void sourceWeight(int weight) {
        this.sourceWeight = weight;
    }

    @Override
    public String route() {
        return route;
    }

    @Override
    public PeakEwma latency() {
        return peakEwma;
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

    /** Keeps it after all: its source wants it again before its last request ended. */
    void keep() {
        removing = false;
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
        LongAdder total = poolInFlight;
        if (total != null) {
            total.increment();
        }
    }

    /**
     * A request sent here has ended, one way or another.
     *
     * @param failed whether the request ended without a complete response from this backend
     */
    public void requestEnded(boolean failed) {
        if (failed) {
            failures.increment();
        }
        LongAdder total = poolInFlight;
        if (total != null) {
            total.decrement();
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
        peakEwma.observe(nowNanos, latencyNanos);
    }

    /** A request that failed here was sent on to another backend. */
    public void retried() {
        retries.increment();
    }

    public long retries() {
        return retries.sum();
    }

    @Override
    public int inFlight() {
        return inFlight.get();
    }

    /** A client's WebSocket was joined to this backend's. */
    public void websocketOpened() {
        websockets.incrementAndGet();
    }

    /** A joined WebSocket closed. */
    public void websocketClosed() {
        websockets.decrementAndGet();
    }

    /** The WebSockets joined to this backend now. */
    public int websockets() {
        return websockets.get();
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

    @Override
    public HealthState health() {
        return health;
    }

    @Override
    public OutlierState outlier() {
        return outlier;
    }

    @Override
    public void healthChecked(boolean passed) {
        meters.healthChecked(passed);
    }

    /** Whether the active health checks find the backend healthy. */
    public boolean isHealthy() {
        return health.isHealthy();
    }

    public boolean isEjected() {
        return outlier.isEjected();
    }

    /** Whether the backend may take new requests: healthy, not ejected, enabled and staying. */
    public boolean isEligible() {
        return health.isHealthy() && !outlier.isEjected() && state == AdminState.ENABLED && !removing;
    }

    /** Why the backend takes no traffic: {@code ejected}, {@code health_check}, or {@code null} when it does. */
    public String outReason() {
        if (outlier.isEjected()) {
            return "ejected";
        }
        return health.isHealthy() ? null : "health_check";
    }

    @Override
    public String toString() {
        return authority;
    }
}
