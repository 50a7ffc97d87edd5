package dev.jlb.algorithm;

import dev.jlb.config.AlgorithmName;

/** Creates the algorithm a configuration names. */
public final class Algorithms {
    private Algorithms() {}

    /** The algorithm of that name. */
    public static Algorithm create(AlgorithmName name, AlgorithmOptions options) {
        return switch (name) {
            case ROUND_ROBIN -> RoundRobin.create();
            case WEIGHTED_ROUND_ROBIN -> WeightedRoundRobin.create();
            case LEAST_CONNECTIONS -> LeastConnections.create(options.random());
            case RANDOM -> RandomChoice.create(options.random());
            case LEAST_REQUEST -> LeastRequest.create(options.random());
            case PEAK_EWMA -> PeakEwmaChoice.create(options.random(), options.nanoClock());
            case CONSISTENT_HASH -> ConsistentHash.create(options.totalInFlight(), options.hashBalanceFactor());
        };
    }

    /** The algorithm of that name, for the rules that need nothing but randomness (tests). */
    public static Algorithm create(AlgorithmName name, RandomSource random) {
        return create(name, new AlgorithmOptions(random, System::nanoTime, () -> 0, 0));
    }
}
