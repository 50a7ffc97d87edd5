package dev.jlb.it;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * A backend that streams its answer in two parts and sends the second only when the test
 * releases it, so that a test can see whether the first part got through on its own.
 */
final class HeldStreamBackend implements AutoCloseable {
    static final String FIRST = "data: first\n\n";
    static final String LAST = "data: last\n\n";

    private final Server server = new Server();
    private final ServerConnector connector = new ServerConnector(server);
    private final CompletableFuture<Void> release = new CompletableFuture<>();
    private final String contentType;

    HeldStreamBackend(String contentType) throws Exception {
        this.contentType = contentType;
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                response.setStatus(200);
                if ("/health".equals(Request.getPathInContext(request))) {
                    response.write(true, ByteBuffer.allocate(0), callback);
                    return true;
                }
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, HeldStreamBackend.this.contentType);
                response.write(
                        false,
                        bytes(FIRST),
                        Callback.from(
                                () -> {
                                    // The write's callback reports how it went; the future says no more.
                                    var unused = release.thenRun(() -> response.write(true, bytes(LAST), callback));
                                },
                                callback::failed));
                return true;
            }
        });
        server.start();
    }

    private static ByteBuffer bytes(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    String name() {
        return "127.0.0.1:" + connector.getLocalPort();
    }

    void release() {
        release.complete(null);
    }

    @Override
    public void close() throws Exception {
        release();
        server.stop();
    }
}
