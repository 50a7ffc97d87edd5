package dev.jlb.config;

import java.time.Duration;

/**
 * What the embedded launcher's own Jetty server needs; in a servlet container these are the
 * container's settings.
 *
 * @param port                 port to listen on
 * @param clientTimeout        idle timeout of client connections
 * @param maxRequestHeaderSize largest request line plus headers, in bytes
 * @param shutdownGrace        how long requests in flight may take to finish at shutdown
 * @param tls                  HTTPS, or {@code null} for none
 */
public record ServerConfig(
        int port, Duration clientTimeout, int maxRequestHeaderSize, Duration shutdownGrace, TlsSettings tls) {
    /**
     * How long the close frames of a stop may take once WebSockets still open after the shutdown
     * grace have been sent 1001: a server's stop waits this much beyond the grace.
     */
    public static final java.time.Duration WEBSOCKET_CLOSING_TIME = java.time.Duration.ofSeconds(3);

    /**
     * Resolves the launcher's server settings from the sources, in their precedence.
     *
     * @throws ConfigException naming the first bad value and where it came from
     */
    public static ServerConfig resolve(ConfigSources sources) throws ConfigException {
        return new ServerConfig(
                BalancerConfig.parse(sources, Setting.PORT, ValueParsers::port),
                BalancerConfig.parse(sources, Setting.CLIENT_TIMEOUT, ValueParsers::seconds),
                BalancerConfig.parse(
                        sources,
                        Setting.MAX_REQUEST_HEADER_SIZE,
                        text -> ValueParsers.integer(text, 1024, 1024 * 1024)),
                BalancerConfig.parse(sources, Setting.SHUTDOWN_GRACE, ValueParsers::seconds),
                TlsSettings.resolve(sources));
    }
}
