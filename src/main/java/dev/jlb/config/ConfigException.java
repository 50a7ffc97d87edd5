package dev.jlb.config;

/**
 * A configuration value that cannot be used. The message is one line that names where the
 * value came from (option, system property, environment variable or init-param) and what
 * is wrong with it.
 */
public final class ConfigException extends Exception {
    private final String source;

    public ConfigException(String source, String problem) {
        super(source + ": " + problem);
        this.source = source;
    }

    /** Where the bad value came from, e.g. {@code --port} or {@code JLB_ALGORITHM}. */
    public String source() {
        return source;
    }
}
