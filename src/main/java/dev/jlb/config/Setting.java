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
    HEALTH_CHECK_RISE("healthCheckRise", "2"),
    HEALTH_CHECK_FALL("healthCheckFall", "2"),
    HEALTH_CHECK_STATUS("healthCheckStatus", "200-299"),
    BACKEND_TIMEOUT("backendTimeout", "30"),
    CONNECT_TIMEOUT("connectTimeout", "2"),
    RETRIES("retries", "2"),
    RETRY_BUFFER_SIZE("retryBufferSize", "65536"),
    FAILURES_BEFORE_EJECT("failuresBeforeEject", "5"),
    EJECT_TIME("ejectTime", "30"),
    MAX_REQUEST_BODY_SIZE("maxRequestBodySize", "unlimited"),
    SHUTDOWN_GRACE("shutdownGrace", "30"),
    /** How long a joined WebSocket may stay silent both ways before jlb closes it. */
    WEBSOCKET_TIMEOUT("websocketTimeout", "3600"),
    FORWARDED_BY("forwardedBy", "jlb"),
    /** Enables /lb-admin; empty leaves it off. */
    ADMIN_TOKEN("adminToken", ""),
    MONITOR_ALLOW("monitorAllow", "0.0.0.0/0,::/0"),
    STICKY("sticky", "none"),
    STICKY_COOKIE("stickyCookie", "JLB_ROUTE"),
    HASH_KEY("hashKey", "client_ip"),
    HASH_BALANCE_FACTOR("hashBalanceFactor", "125"),
    SLOW_START("slowStart", "0"),
    /** The resolver asked for dns: and srv: backends, IP:PORT; empty for the system's. */
    DNS_SERVER("dnsServer", ""),
    /** Longest time in seconds between two lookups of a dns: or srv: entry; a shorter TTL is honoured. */
    DNS_REFRESH("dnsRefresh", "10"),
    /** Where /lb-admin changes are kept across restarts; empty keeps them in memory only. */
    STATE_FILE("stateFile", ""),
    /** CAs that https:// backends are checked against; empty for the JVM's. */
    BACKEND_TRUST("backendTrust", ""),
    /** PEM certificate chain the launcher serves HTTPS with (a container terminates TLS itself). */
    TLS_CERT("tlsCert", ""),
    TLS_KEY("tlsKey", ""),
    TLS_KEYSTORE("tlsKeystore", ""),
    TLS_KEYSTORE_PASSWORD("tlsKeystorePassword", ""),
    /** The launcher's HTTPS port, when a certificate is given. */
    TLS_PORT("tlsPort", "8443", true),
    /** Whether the launcher's plain port answers 308 to the same URL on HTTPS. */
    REDIRECT_HTTPS("redirectHttps", "false", true),
    /** The embedded launcher's port; a servlet container chooses its own. */
    PORT("port", "8080", true),
    /** The embedded launcher's idle timeout for client connections; a container has its own. */
    CLIENT_TIMEOUT("clientTimeout", "30", true),
    /** The embedded launcher's limit on a request's line and headers; a container has its own. */
    MAX_REQUEST_HEADER_SIZE("maxRequestHeaderSize", "8192", true),
    /**
     * A properties file of settings, between the environment variable and the init-param in
     * precedence, watched and applied when it changes; empty for none.
     */
    CONFIG_FILE("configFile", "");

    private static final java.util.Map<String, Setting> BY_PARAM = java.util.Arrays.stream(values())
            .collect(java.util.stream.Collectors.toUnmodifiableMap(Setting::param, setting -> setting));

    private final String param;
    private final String defaultValue;
    private final boolean launcherOnly;

    Setting(String param, String defaultValue) {
        this(param, defaultValue, false);
    }

    Setting(String param, String defaultValue, boolean launcherOnly) {
        this.param = param;
        this.defaultValue = defaultValue;
        this.launcherOnly = launcherOnly;
    }

    /** The setting with that init-param name, or {@code null}. */
    public static Setting byParam(String param) {
        return BY_PARAM.get(param);
    }

    /** The init-param name, e.g. {@code healthCheckInterval}. */
    public String param() {
        return param;
    }

    public String defaultValue() {
        return defaultValue;
    }

    /** Whether only the embedded launcher reads it (it configures the launcher's own Jetty server). */
    public boolean launcherOnly() {
        return launcherOnly;
    }

    /** The launcher option, e.g. {@code --health-check-interval}. */
    public String option() {
        if (this == CONFIG_FILE) {
            return "--config";
        }
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
