package dev.jlb.algorithm;

import dev.jlb.config.AlgorithmName;

/** Creates the algorithm a configuration names. */
public final class Algorithms {
    private Algorithms() {}

    /**
     * The algorithm of that name.
     *
     * @param random the randomness of the rules that draw (random, least connections' start)
     */
    public static Algorithm create(AlgorithmName name, RandomSource random) {
        return switch (name) {
            case ROUND_ROBIN -> RoundRobin.create();
            case WEIGHTED_ROUND_ROBIN -> WeightedRoundRobin.create();
            case LEAST_CONNECTIONS -> LeastConnections.create(random);
            case RANDOM -> RandomChoice.create(random);
        };
    }
}
