package dev.jlb.algorithm;

/**
 * Chooses a backend for one request from one immutable set of eligible backends.
 * Called on the request path by many threads at once: no lock, no allocation.
 *
 * @param <B> the backends' type
 */
@FunctionalInterface
public interface Picker<B> {
    /** The picker of an empty set: there is no backend to choose. */
    static <B> Picker<B> none() {
        return new Picker<>() {
            @Override
            public B pick(long key) {
                return null;
            }

            @Override
            public String toString() {
                return "no backend";
            }
        };
    }

    /**
     * The chosen backend, or {@code null} when there is none.
     *
     * @param key the request's hash key, for a rule that routes by one; the others ignore it
     */
    B pick(long key);
}
