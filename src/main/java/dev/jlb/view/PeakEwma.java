package dev.jlb.view;

/**
 * A backend's response time as a peak-sensitive exponentially weighted moving average (Finagle's
 * and Linkerd's {@code PeakEwma}), with a time constant of 10 s. Placeholder: not yet written.
 */
public final class PeakEwma {
    /** Records one response time. */
    public void observe(long nowNanos, long latencyNanos) {}

    /** The estimate now, in nanoseconds. */
    public double estimateNanos(long nowNanos) {
        return 0;
    }
}
