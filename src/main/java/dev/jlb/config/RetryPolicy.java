package dev.jlb.config;

/**
 * Retries on another backend: at most {@code retries} more attempts, and a request body is kept
 * for replay only while it fits in {@code bufferSize} bytes.
 */
public record RetryPolicy(int retries, int bufferSize) {}
