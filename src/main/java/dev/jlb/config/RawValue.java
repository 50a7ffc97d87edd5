package dev.jlb.config;

/** A configuration value as written, with the name of the place it was read from. */
public record RawValue(String value, String source) {}
