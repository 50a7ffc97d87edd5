package dev.jlb.config;

import java.util.Locale;

/**
 * Every configurable value of jlb, under the one name from which its other spellings derive:
 * the init-param {@code healthCheckInterval} is the launcher option {@code --health-check-interval},
 * the system property {@code jlb.healthCheckInterval} and the environment variable
 * {@code JLB_HEALTH_CHECK_INTERVAL}.
 */
public enum Setting {
    BACKENDS("backends", "127.0.0.1:3001,127.0.0.1:3002,127.0.0.1:3003"),
    ALGORITHM("algorithm", "round_robin"),
    HEALTH_CHECK_INTERVAL("healthCheckInterval", "30"),
    HEALTH_CHECK_PATH("healthCheckPath", "/health"),
    HEALTH_CHECK_TIMEOUT("healthCheckTimeout", "2"),
    BACKEND_TIMEOUT("backendTimeout", "30"),
    CONNECT_TIMEOUT("connectTimeout", "2"),
    FORWARDED_BY("forwardedBy", "jlb"),
    /** Read by the embedded launcher only: a servlet container chooses its own port. */
    PORT("port", "8080");

    private final String param;
    private final String defaultValue;

    Setting(String param, String defaultValue) {
        this.param = param;
        this.defaultValue = defaultValue;
    }

    /** The init-param name, e.g. {@code healthCheckInterval}. */
    public String param() {
        return param;
    }

    public String defaultValue() {
        return defaultValue;
    }

    /** The launcher option, e.g. {@code --health-check-interval}. */
    public String option() {
        return "--" + words("-").toLowerCase(Locale.ROOT);
    }

    /** The system property, e.g. {@code jlb.healthCheckInterval}. */
    public String systemProperty() {
        return "jlb." + param;
    }

    /** The environment variable, e.g. {@code JLB_HEALTH_CHECK_INTERVAL}. */
    public String environmentVariable() {
        return "JLB_" + words("_").toUpperCase(Locale.ROOT);
    }

    private String words(String separator) {
        return param.replaceAll("([a-z0-9])([A-Z])", "$1" + separator + "$2");
    }
}
