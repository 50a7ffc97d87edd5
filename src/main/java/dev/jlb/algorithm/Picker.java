package dev.jlb.algorithm;

import dev.jlb.backend.Backend;

/**
 * Chooses a backend for one request from one immutable set of eligible backends.
 * Called on the request path by many threads at once: no lock, no allocation.
 */
@FunctionalInterface
public interface Picker {
    /** The picker of an empty set: there is no backend to choose. */
    Picker NONE = () -> null;

    /** The chosen backend, or {@code null} when there is none. */
    Backend pick();
}
