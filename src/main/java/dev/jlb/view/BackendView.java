package dev.jlb.view;

/**
 * What an algorithm may know of a backend: the figures it balances by, nothing of its health,
 * address or lifecycle. The pool hands algorithms only backends that may take traffic, and
 * keeps the figures on the backend so that they outlive every snapshot.
 *
 * <p>Read on the request path by many threads at once: each figure is one volatile or atomic read.
 */
public interface BackendView {
    /** {@link #warmth()} of a backend that is not in a slow start. */
    int WARM = 1000;

    /** The configured weight, 1 to 1000. */
    int weight();

    /**
     * The part of its share a backend in a slow start takes now, in thousandths: from 100 (a
     * tenth) when it has just become eligible up to {@link #WARM}, in steps of 100. Every rule but
     * consistent hashing scales a backend's share by it, the rules that ignore weights too. It
     * changes only when the pool rebuilds its snapshot, so a picker may read it once when built.
     */
    int warmth();

    /** Requests in flight to the backend now. */
    int inFlight();

    /**
     * The name the backend is routed by: its configured {@code ROUTE}, or an id derived from its
     * {@code HOST:PORT} alone, so that every jlb instance with the same backends uses the same
     * names (consistent hashing places backends by it).
     */
    String route();

    /** Its response time, as a peak-sensitive moving average (what {@code peak_ewma} balances by). */
    PeakEwma latency();
}
