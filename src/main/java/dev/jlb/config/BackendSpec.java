package dev.jlb.config;

/** A configured backend: where it is and its weight (1-1000, 1 when not given). */
public record BackendSpec(BackendAddress address, int weight) {
    public static final int MAX_WEIGHT = 1000;

    public BackendSpec {
        if (weight < 1 || weight > MAX_WEIGHT) {
            throw new IllegalArgumentException("weight " + weight + " is not from 1 to " + MAX_WEIGHT);
        }
    }
}
