package dev.jlb.it;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * A backend that answers every request with the HTTP version it arrived in ({@code HTTP/1.1}, as
 * text) and counts requests by that version; {@code GET /health} passes and is not counted.
 */
final class VersionBackend implements AutoCloseable {
    private final Server server = new Server();
    private final ServerConnector connector = new ServerConnector(server);
    private final Map<String, LongAdder> versions = new ConcurrentHashMap<>();

    VersionBackend() throws Exception {
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                if ("/health".equals(Request.getPathInContext(request))) {
                    response.setStatus(200);
                    response.write(true, ByteBuffer.allocate(0), callback);
                    return true;
                }
                String version = request.getConnectionMetaData().getProtocol();
                versions.computeIfAbsent(version, v -> new LongAdder()).increment();
                // The body, if any, is read and dropped before the answer.
                Content.Source.consumeAll(
                        request,
                        Callback.from(
                                () -> {
                                    response.setStatus(200);
                                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
                                    response.write(
                                            true,
                                            ByteBuffer.wrap(version.getBytes(StandardCharsets.US_ASCII)),
                                            callback);
                                },
                                callback::failed));
                return true;
            }
        });
        server.start();
    }

    String name() {
        return "127.0.0.1:" + connector.getLocalPort();
    }

    /** Requests received so far by HTTP version, such as {@code {HTTP/1.1=2000}}. */
    Map<String, Long> versions() {
        Map<String, Long> counts = new TreeMap<>();
        versions.forEach((version, count) -> counts.put(version, count.sum()));
        return counts;
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
