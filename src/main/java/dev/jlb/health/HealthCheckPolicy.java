package dev.jlb.health;

import dev.jlb.config.BalancerConfig;

import java.time.Duration;

/**
 * How backends are checked: {@code GET path} every {@code interval}, answered with a 2xx within
 * {@code timeout} to pass; {@code fall} consecutive failures take a healthy backend out,
 * {@code rise} consecutive passes bring an unhealthy one back.
 */
public record HealthCheckPolicy(Duration interval, String path, Duration timeout, int rise, int fall) {
    public static HealthCheckPolicy of(BalancerConfig config) {
        return new HealthCheckPolicy(config.healthCheckInterval(), config.healthCheckPath(),
            config.healthCheckTimeout(), 1, 1);
    }
}
