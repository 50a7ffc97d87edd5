package dev.jlb.web.websocket;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * The client's side in Tomcat: {@code HttpServletRequest.upgrade}, called in the request's own
 * thread (Tomcat upgrades once {@code service} returns, and not a request put in async mode).
 * Tomcat sets only the 101 status; the handshake's headers are the backend's, set here.
 */
final class ServletClientSide implements ClientSide {
    private final Scheduler scheduler;

    ServletClientSide(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    @Override
    public boolean join(
            HttpServletRequest request, HttpServletResponse response, BackendHandshake.Upgraded upgraded, Joint joint)
            throws IOException {
        response.setStatus(HttpServletResponse.SC_SWITCHING_PROTOCOLS);
        String accept = upgraded.response().getHeaders().get("Sec-WebSocket-Accept");
        if (accept != null) {
            response.setHeader("Sec-WebSocket-Accept", accept);
        }
        response.setHeader("Upgrade", "websocket");
        response.setHeader("Connection", "Upgrade");
        ServletTunnel tunnel;
        try {
            tunnel = request.upgrade(ServletTunnel.class);
        } catch (jakarta.servlet.ServletException e) {
            throw new IOException(e);
        }
        tunnel.joinTo(upgraded.pipe(), joint, scheduler);
        return true;
    }

    @Override
    public boolean reframes() {
        return false;
    }
}
