package dev.jlb.algorithm;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The algorithms by their configuration names. */
public enum AlgorithmType {
    ROUND_ROBIN(random -> RoundRobin.create()),
    LEAST_CONNECTIONS(LeastConnections::create),
    RANDOM(RandomChoice::create),
    WEIGHTED_ROUND_ROBIN(random -> WeightedRoundRobin.create());

    private final Function<RandomSource, Algorithm> factory;

    AlgorithmType(Function<RandomSource, Algorithm> factory) {
        this.factory = factory;
    }

    /** The name used in configuration and in {@code /lb-stats}, e.g. {@code round_robin}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public Algorithm create(RandomSource random) {
        return factory.apply(random);
    }

    /**
     * @throws IllegalArgumentException naming the valid names
     */
    public static AlgorithmType fromName(String name) {
        for (AlgorithmType type : values()) {
            if (type.configName().equals(name)) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown algorithm '" + name + "'; valid names: " + validNames());
    }

    public static String validNames() {
        return Arrays.stream(values()).map(AlgorithmType::configName).collect(Collectors.joining(", "));
    }
}
