package dev.jlb.balancer;

/** Whether an operator lets a backend take new requests. */
public enum AdminState {
    /** Takes new requests (when healthy). */
    ENABLED,
    /** Takes no new requests; those in flight finish. Shown as {@code drained} once none is left. */
    DRAINING
}
