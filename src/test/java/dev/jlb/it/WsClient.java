package dev.jlb.it;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The JDK's WebSocket client, with what it receives put in a queue: whole messages (text as
 * String, binary as byte[]), pongs, and the close. With {@code autoRead} off it reads only what
 * {@link #request} asks for: a slow reader.
 */
final class WsClient implements WebSocket.Listener, AutoCloseable {
    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    record Pong(ByteBuffer payload) {}

    record Closed(int code, String reason) {}

    record Failed(Throwable cause) {}

    final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    final CompletableFuture<Closed> closed = new CompletableFuture<>();
    final AtomicLong bytesReceived = new AtomicLong();
    private volatile boolean autoRead;
    private final StringBuilder text = new StringBuilder();
    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();
    private final boolean keepBinary;
    WebSocket socket;

    private WsClient(boolean autoRead, boolean keepBinary) {
        this.autoRead = autoRead;
        this.keepBinary = keepBinary;
    }

    static WsClient open(URI uri, String... subprotocols) throws Exception {
        return open(uri, true, true, List.of(), subprotocols);
    }

    /** @param headers name, value, name, value ... */
    static WsClient open(URI uri, boolean autoRead, boolean keepBinary, List<String> headers, String... subprotocols)
            throws Exception {
        return open(HTTP, uri, autoRead, keepBinary, headers, subprotocols);
    }

    static WsClient open(
            HttpClient http,
            URI uri,
            boolean autoRead,
            boolean keepBinary,
            List<String> headers,
            String... subprotocols)
            throws Exception {
        WsClient client = new WsClient(autoRead, keepBinary);
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        for (int i = 0; i < headers.size(); i += 2) {
            builder.header(headers.get(i), headers.get(i + 1));
        }
        if (subprotocols.length > 0) {
            builder.subprotocols(subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
        }
        client.socket = builder.buildAsync(uri, client).get(10, TimeUnit.SECONDS);
        return client;
    }

    void request(long n) {
        socket.request(n);
    }

    /** From now on reads everything as it comes. */
    void readAll() {
        autoRead = true;
        socket.request(1);
    }

    /** The next thing received, within 20 s. */
    Object next() throws InterruptedException {
        Object item = received.poll(20, TimeUnit.SECONDS);
        if (item == null) {
            throw new AssertionError("nothing received in 20 s");
        }
        return item;
    }

    String nextText() throws InterruptedException {
        Object item = next();
        if (item instanceof String s) {
            return s;
        }
        throw new AssertionError("expected text, got " + item);
    }

    byte[] nextBinary() throws InterruptedException {
        Object item = next();
        if (item instanceof byte[] b) {
            return b;
        }
        throw new AssertionError("expected binary, got " + item);
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        if (autoRead) {
            webSocket.request(1);
        }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
            received.add(text.toString());
            text.setLength(0);
        }
        more(webSocket);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        bytesReceived.addAndGet(data.remaining());
        if (keepBinary) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            binary.writeBytes(bytes);
            if (last) {
                received.add(binary.toByteArray());
                binary.reset();
            }
        }
        more(webSocket);
        return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
        received.add(
                new Pong(ByteBuffer.allocate(message.remaining()).put(message).flip()));
        more(webSocket);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        Closed close = new Closed(statusCode, reason);
        received.add(close);
        closed.complete(close);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        received.add(new Failed(error));
        closed.completeExceptionally(error);
    }

    private void more(WebSocket webSocket) {
        if (autoRead) {
            webSocket.request(1);
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            socket.abort();
        }
    }
}
