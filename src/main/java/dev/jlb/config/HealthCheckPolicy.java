package dev.jlb.config;

import java.time.Duration;

/**
 * How backends are actively checked: {@code GET path} every {@code interval}; an answer with a
 * status in {@code passStatuses} within {@code timeout} passes. {@code fall} consecutive failures
 * take a healthy backend out, {@code rise} consecutive passes bring an unhealthy one back.
 */
public record HealthCheckPolicy(
        Duration interval, String path, Duration timeout, int rise, int fall, StatusRanges passStatuses) {}
