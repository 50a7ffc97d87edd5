package dev.jlb.web.websocket;

import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.eclipse.jetty.ee10.websocket.server.JettyWebSocketServerContainer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * The client's side in Jetty (the launcher, jetty-home with {@code ee10-websocket-jetty}):
 * Jetty's WebSocket API at the frame level, since Jetty 12's {@code HttpServletRequest.upgrade}
 * gives an upgraded connection whose input ends at once. Loaded by name, so that Tomcat never
 * sees these classes.
 */
final class JettyClientSide implements ClientSide {
    private final JettyWebSocketServerContainer container;
    private final Duration idleTimeout;
    private final Scheduler scheduler;

    JettyClientSide(
            ServletContext context,
            Duration idleTimeout,
            Scheduler scheduler,
            Supplier<CompletableFuture<Void>> gracefulStop) {
        this.container = JettyWebSocketServerContainer.getContainer(context);
        if (container == null) {
            throw new IllegalStateException("no Jetty WebSocket container in this context");
        }
        this.idleTimeout = idleTimeout;
        this.scheduler = scheduler;
        // Frames come whole to jlb; the relay itself bounds what it holds.
        container.setMaxBinaryMessageSize(-1);
        container.setMaxTextMessageSize(-1);
        container.setIdleTimeout(idleTimeout);
        JettyGoingAway.install(context, container, gracefulStop);
    }

    @Override
    public boolean join(
            HttpServletRequest request, HttpServletResponse response, BackendHandshake.Upgraded upgraded, Joint joint)
            throws IOException {
        String protocol = upgraded.response().getHeaders().get(HttpHeader.SEC_WEBSOCKET_SUBPROTOCOL);
        JettyFrameRelay relay = new JettyFrameRelay(upgraded.pipe(), joint, idleTimeout, scheduler);
        return container.upgrade(
                (upgradeRequest, upgradeResponse) -> {
                    if (protocol != null) {
                        upgradeResponse.setAcceptedSubProtocol(protocol);
                    }
                    // jlb relays frames, not their compressed bytes: no extension across it.
                    upgradeResponse.setExtensions(List.of());
                    return relay;
                },
                request,
                response);
    }

    @Override
    public boolean reframes() {
        return true;
    }
}
