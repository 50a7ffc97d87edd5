package dev.jlb.view;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A backend's response time as a peak-sensitive exponentially weighted moving average (Finagle's
 * and Linkerd's {@code PeakEwma}), with a time constant of 10 s.
 *
 * <ul>
 *   <li>A response slower than the estimate replaces it at once: a backend that slows down is
 *       seen to be slow with its first slow answer.
 *   <li>A faster one is blended in with the weight {@code 1 - exp(-elapsed / 10 s)}, elapsed
 *       being the time since the previous observation: the estimate comes down over seconds,
 *       whatever the request rate.
 *   <li>Read, the estimate decays towards 0 with the time since the last observation, without
 *       being written: a slow backend that gets no traffic becomes cheap again, is tried, and its
 *       recovery is seen.
 * </ul>
 *
 * <p>It starts empty: {@link #estimateNanos} answers 0 until the first observation. A made-up
 * starting latency would be wrong one way or the other (too low, and a new backend takes every
 * request until it first answers; too high, and it waits for the decay to be tried), so the
 * absence of data is left to the rule to handle explicitly; {@code peak_ewma} sends a backend it
 * knows nothing of one request at a time until it answers (Finagle's penalty). An estimate that
 * has decayed all the way to 0 (after about two hours without an answer) reads the same way.
 *
 * <p>Updated once per response by many threads, read twice per pick: lock-free and
 * allocation-free. The estimate (as a float's bits) and the time of the last observation (in
 * milliseconds of the caller's clock, as an int) are packed into one {@link AtomicLong} and
 * replaced together by compare-and-set, so a reader never sees one without the other.
 */
public final class PeakEwma {
    /** The time constant: an observation weighs 1 - 1/e once it is this old, in the decay on read too. */
    public static final long TAU_NANOS = TimeUnit.SECONDS.toNanos(10);

    private static final double TAU_MILLIS = TimeUnit.NANOSECONDS.toMillis(TAU_NANOS);

    /**
     * How far back a stamp may appear to be ahead of the clock and still count as "now": another
     * thread read the clock later but stored first. Further back than that, the int of
     * milliseconds has wrapped (24.8 days without an observation), and the estimate is long
     * decayed to 0.
     */
    private static final int MAX_SKEW_MILLIS = 60_000;

    /** 0: nothing observed. An observation always stores a positive float, so it never packs to 0. */
    private static final long EMPTY = 0L;

    private final AtomicLong state = new AtomicLong(EMPTY);

    /**
     * Records one response time.
     *
     * @param nowNanos     the caller's monotonic clock ({@link System#nanoTime()} or a test's)
     * @param latencyNanos the response time; below 1 ns counts as 1 ns
     */
    public void observe(long nowNanos, long latencyNanos) {
        float latency = (float) Math.max(1L, latencyNanos);
        int now = millis(nowNanos);
        long previous;
        long next;
        do {
            previous = state.get();
            if (previous == EMPTY) {
                next = pack(latency, now);
                continue;
            }
            float estimate = value(previous);
            int elapsed = elapsedMillis(previous, now);
            // A stamp ahead of now (another thread stored a later clock reading first) is kept, so
            // that time never goes backwards.
            int stamp = elapsed == 0 && now - stamp(previous) < 0 ? stamp(previous) : now;
            if (latency > estimate) {
                next = pack(latency, stamp);
            } else {
                double w = Math.exp(-elapsed / TAU_MILLIS);
                next = pack((float) (estimate * w + latency * (1 - w)), stamp);
            }
        } while (!state.compareAndSet(previous, next));
    }

    /**
     * The estimate now, in nanoseconds: the last one decayed by {@code exp(-elapsed / 10 s)}; 0
     * when nothing has been observed (or all of it has decayed away).
     *
     * @param nowNanos the same clock as {@link #observe}'s
     */
    public double estimateNanos(long nowNanos) {
        long current = state.get();
        if (current == EMPTY) {
            return 0;
        }
        int elapsed = elapsedMillis(current, millis(nowNanos));
        float estimate = value(current);
        return elapsed == 0 ? estimate : estimate * Math.exp(-elapsed / TAU_MILLIS);
    }

    @Override
    public String toString() {
        long current = state.get();
        return current == EMPTY
                ? "PeakEwma[empty]"
                : "PeakEwma[" + value(current) + " ns at " + stamp(current) + " ms]";
    }

    private static int millis(long nanos) {
        // Wraps every 49.7 days; only differences of stamps are used.
        return (int) (nanos / 1_000_000);
    }

    private static long pack(float value, int stampMillis) {
        return ((long) Float.floatToRawIntBits(value) << 32) | (stampMillis & 0xFFFF_FFFFL);
    }

    private static float value(long packed) {
        return Float.intBitsToFloat((int) (packed >>> 32));
    }

    private static int stamp(long packed) {
        return (int) packed;
    }

    /** Milliseconds since the packed stamp: 0 for a stamp just ahead, and long ago for a wrapped one. */
    private static int elapsedMillis(long packed, int now) {
        int elapsed = now - stamp(packed);
        if (elapsed >= 0) {
            return elapsed;
        }
        return elapsed >= -MAX_SKEW_MILLIS ? 0 : Integer.MAX_VALUE;
    }
}
