package dev.jlb.balancer;

/**
 * Where a backend's traffic and health checks are recorded for metrics: bound once per backend
 * when it joins the pool, so that recording is a field read and an atomic update, never a lookup.
 */
public interface BackendMeters {
    /** Records nothing, for a backend not (yet) bound to metrics. */
    BackendMeters NONE = new BackendMeters() {
        @Override
        public void answered(int status, long nanos) {}

        @Override
        public void failed(long nanos) {}

        @Override
        public void healthChecked(boolean passed) {}
    };

    /** A request got a complete answer with this status after this long. */
    void answered(int status, long nanos);

    /** A request ended without an answer from the backend after this long. */
    void failed(long nanos);

    void healthChecked(boolean passed);
}
