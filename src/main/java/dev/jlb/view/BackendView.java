package dev.jlb.view;

/**
 * What an algorithm may know of a backend: the figures it balances by, nothing of its health,
 * address or lifecycle. The pool hands algorithms only backends that may take traffic, and
 * keeps the figures on the backend so that they outlive every snapshot.
 *
 * <p>Read on the request path by many threads at once: each figure is one volatile or atomic read.
 */
public interface BackendView {
    /** The weight to balance by, 1 or more. */
    int weight();

    /** Requests in flight to the backend now. */
    int inFlight();
}
