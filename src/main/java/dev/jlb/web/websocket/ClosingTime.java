package dev.jlb.web.websocket;

import java.time.Duration;

/**
 * How long the close frames of a stop may take to be exchanged after jlb's 1001. A class of its
 * own so that the launcher can size its stop timeout with it: the launcher's class path has no
 * Jetty HTTP client (only the WAR has), and loading {@link WebSocketProxy}, which uses one, fails
 * there with {@code NoClassDefFoundError}.
 */
public final class ClosingTime {
    /** The time itself. */
    public static final Duration CLOSING_TIME = Duration.ofSeconds(3);

    private ClosingTime() {}
}
