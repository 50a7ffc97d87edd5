package dev.jlb.testserver;

import dev.jlb.text.JsonString;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * The test server's {@code /ws}: echoes every message as it came (text as text, binary as
 * binary), accepts the first subprotocol the client offers among those of its
 * {@code ?protocols=a,b} query, and closes with the code and reason it receives (Jetty answers a
 * close with the same status). {@code ?send_bytes=N} makes it send N bytes of binary messages
 * (64 KiB each) as soon as it opens, each once the previous is written: a fast sender for slow
 * readers. {@code ?send_headers=1} makes its first message a JSON object of the handshake's
 * headers, as the backend received them. {@code ?close_with=CODE:REASON} makes it close first,
 * with that code and reason, as soon as it opens.
 */
public final class WebSocketEcho implements Session.Listener.AutoDemanding {
    private static final int FLOOD_MESSAGE = 64 * 1024;

    private final long sendBytes;
    private final String headers;
    private final AtomicLong bytesSent;
    private String closeWith;
    private Session session;
    private long sent;

    private WebSocketEcho(long sendBytes, String headers, AtomicLong bytesSent) {
        this.sendBytes = sendBytes;
        this.headers = headers;
        this.bytesSent = bytesSent;
    }

    /** The handler that answers upgrades on {@code /ws} and passes every other request to {@code next}. */
    static WebSocketUpgradeHandler handler(Server server, Handler next, AtomicLong bytesSent) {
        WebSocketUpgradeHandler upgrades = WebSocketUpgradeHandler.from(server, container -> {
            container.setMaxTextMessageSize(64L * 1024 * 1024);
            container.setMaxBinaryMessageSize(64L * 1024 * 1024);
            container.setIdleTimeout(Duration.ofHours(1));
            container.addMapping("/ws", (request, response, callback) -> {
                Fields query = Request.extractQueryParameters(request);
                String offered = query.getValue("protocols");
                if (offered != null) {
                    List<String> ours = List.of(offered.split(","));
                    for (String protocol : request.getSubProtocols()) {
                        if (ours.contains(protocol)) {
                            response.setAcceptedSubProtocol(protocol);
                            break;
                        }
                    }
                }
                String bytes = query.getValue("send_bytes");
                String headers = null;
                if (query.getValue("send_headers") != null) {
                    StringBuilder json = new StringBuilder("{");
                    for (HttpField field : request.getHeaders()) {
                        json.append(json.length() > 1 ? ", " : "")
                                .append(JsonString.quote(field.getName()))
                                .append(": ")
                                .append(JsonString.quote(field.getValue()));
                    }
                    headers = json.append('}').toString();
                }
                WebSocketEcho echo = new WebSocketEcho(bytes == null ? 0 : Long.parseLong(bytes), headers, bytesSent);
                echo.closeWith = query.getValue("close_with");
                return echo;
            });
        });
        upgrades.setHandler(next);
        return upgrades;
    }

    @Override
    public void onWebSocketOpen(Session session) {
        this.session = session;
        if (headers != null) {
            session.sendText(headers, Callback.NOOP);
        }
        if (sendBytes > 0) {
            sendMore();
        }
        if (closeWith != null) {
            int colon = closeWith.indexOf(':');
            int code = Integer.parseInt(colon < 0 ? closeWith : closeWith.substring(0, colon));
            session.close(code, colon < 0 ? null : closeWith.substring(colon + 1), Callback.NOOP);
        }
    }

    private void sendMore() {
        if (sent >= sendBytes || !session.isOpen()) {
            return;
        }
        int size = (int) Math.min(FLOOD_MESSAGE, sendBytes - sent);
        sent += size;
        session.sendBinary(
                ByteBuffer.allocate(size),
                Callback.from(
                        () -> {
                            bytesSent.addAndGet(size);
                            sendMore();
                        },
                        failure -> {}));
    }

    @Override
    public void onWebSocketText(String message) {
        session.sendText(message, Callback.NOOP);
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        ByteBuffer copy = ByteBuffer.allocate(payload.remaining()).put(payload).flip();
        int size = copy.remaining();
        session.sendBinary(
                copy,
                Callback.from(
                        () -> {
                            bytesSent.addAndGet(size);
                            callback.succeed();
                        },
                        callback::fail));
    }
}
