package dev.jlb.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The algorithms by their configuration names; the rules themselves are in {@code dev.jlb.algorithm}. */
public enum AlgorithmName {
    ROUND_ROBIN,
    LEAST_CONNECTIONS,
    RANDOM,
    WEIGHTED_ROUND_ROBIN,
    LEAST_REQUEST,
    PEAK_EWMA,
    CONSISTENT_HASH;

    /** The name used in configuration and in {@code /lb-stats}, e.g. {@code round_robin}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The algorithm of a configuration name.
     *
     * @throws IllegalArgumentException naming the valid names
     */
    public static AlgorithmName fromName(String name) {
        for (AlgorithmName algorithm : values()) {
            if (algorithm.configName().equals(name)) {
                return algorithm;
            }
        }
        throw new IllegalArgumentException("unknown algorithm '" + name + "'; valid names: " + validNames());
    }

    public static String validNames() {
        return Arrays.stream(values()).map(AlgorithmName::configName).collect(Collectors.joining(", "));
    }
}
