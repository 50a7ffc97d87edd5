package dev.jlb.config;

import java.time.Duration;

/**
 * Passive health: a backend that refuses connections, or fails {@code failuresBeforeEject} requests
 * in a row (5xx answers or transport failures), is ejected for {@code ejectTime}, doubled on each
 * repeated ejection up to {@code maxEjectTime}. Zero {@code failuresBeforeEject} turns the
 * consecutive-failure rule off.
 */
public record EjectionPolicy(int failuresBeforeEject, Duration ejectTime, Duration maxEjectTime) {
    public static final Duration MAX_EJECT_TIME = Duration.ofMinutes(5);

    /** The ejection time for the n-th ejection in a row (1-based). */
    public Duration ejectTimeFor(int ejection) {
        Duration time = ejectTime;
        for (int i = 1; i < ejection && time.compareTo(maxEjectTime) < 0; i++) {
            time = time.multipliedBy(2);
        }
        return time.compareTo(maxEjectTime) > 0 ? maxEjectTime : time;
    }
}
