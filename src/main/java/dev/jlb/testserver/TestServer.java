package dev.jlb.testserver;

import dev.jlb.text.JsonString;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.IteratingCallback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A backend to try jlb with. {@code GET /health} answers 200; every other request gets a JSON
 * document that names this server and echoes the request:
 * {@code {"server": "127.0.0.1:3001", "method": ..., "path": ..., "query": ..., "headers": {...},
 * "body_bytes": ..., "body_sha256": ...}}.
 *
 * <p>Query parameters make it misbehave on purpose, for demos and fault tests:
 * {@code delay_ms=N} answers after N ms; {@code status=N} answers with that status;
 * {@code size=N} sends N bytes of text instead of the JSON document;
 * {@code chunks=N&chunk_interval_ms=M} streams N chunked lines, one every M ms;
 * {@code abort_after_bytes=N} promises more than it sends and drops the connection after N bytes
 * (with {@code no_length=1}, streamed chunked without a promised length);
 * {@code drop=1} closes the connection without answering;
 * {@code set_header=Name:Value} (repeatable) adds a response header.
 *
 * <p>WebSocket upgrades on {@code /ws} get an echo: see {@link WebSocketEcho}.
 */
public final class TestServer implements AutoCloseable {
    private static final int MAX_DELAY_MS = 3_600_000;

    private final String host;
    private final int requestedPort;
    private final ScheduledExecutorService scheduler;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong healthChecks = new AtomicLong();
    private final AtomicLong webSocketBytesSent = new AtomicLong();
    private final List<String> requestIds = new CopyOnWriteArrayList<>();
    private volatile boolean healthy = true;
    private volatile int forcedStatus;
    private volatile int extraDelayMillis;
    private volatile boolean dropRequests;
    private Server server;
    private ServerConnector connector;
    private String name;
    private KeyStore tlsKeyStore;

    public TestServer(String host, int port) {
        this.host = host;
        this.requestedPort = port;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "test-server-scheduler");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Serves HTTPS instead of HTTP from the next {@link #start()}, with the keystore's key (its
     * password and the key's empty).
     */
    public synchronized TestServer tls(KeyStore keyStore) {
        this.tlsKeyStore = keyStore;
        return this;
    }

    /** Starts listening; after {@link #stop()} it can be started again on the same port. */
    public synchronized TestServer start() throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(200, 4);
        threads.setName("test-server");
        server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        if (tlsKeyStore == null) {
            connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        } else {
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStore(tlsKeyStore);
            ssl.setKeyStorePassword("");
            ssl.setKeyManagerPassword("");
            HttpConfiguration https = new HttpConfiguration(http);
            https.addCustomizer(new SecureRequestCustomizer(false, false, -1, false));
            connector = new ServerConnector(
                    server, 1, 1, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(https));
        }
        connector.setHost(host);
        connector.setPort(name == null ? requestedPort : port());
        server.addConnector(connector);
        server.setHandler(WebSocketEcho.handler(server, new EchoHandler(), webSocketBytesSent));
        try {
            server.start();
        } catch (Exception e) {
            server.stop();
            throw e;
        }
        name = host + ":" + connector.getLocalPort();
        return this;
    }

    /** Stops listening and drops every open connection, as a crashed backend would. */
    public synchronized void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    @Override
    public void close() throws Exception {
        stop();
        scheduler.shutdownNow();
    }

    public void join() throws InterruptedException {
        server.join();
    }

    /** The port it listens on (the one it was given, or the one the system chose for port 0). */
    public int port() {
        return Integer.parseInt(name.substring(name.lastIndexOf(':') + 1));
    }

    /** {@code HOST:PORT}, as it names itself in its answers. */
    public String name() {
        return name;
    }

    /** Makes every answer (but {@code /health}) come this much later, as a slow JVM's would; 0 for none. */
    public void delayEveryRequest(int millis) {
        this.extraDelayMillis = millis;
    }

    /** Makes {@code /health} answer 200 (true) or 503 (false). */
    public void setHealthy(boolean healthy) {
        this.healthy = healthy;
    }

    /** Makes every request but health checks answer with this status (0 to stop). */
    public void answerEveryRequestWith(int status) {
        this.forcedStatus = status;
    }

    /** Makes every request but health checks lose its connection without an answer. */
    public void dropEveryRequest(boolean drop) {
        this.dropRequests = drop;
    }

    /** The {@code X-Request-Id} headers of the requests received (health checks aside), in order of arrival. */
    public List<String> requestIds() {
        return List.copyOf(requestIds);
    }

    /** Requests received, other than health checks. */
    public long requests() {
        return requests.get();
    }

    /** Bytes of binary WebSocket messages that {@code /ws} has written so far. */
    public long webSocketBytesSent() {
        return webSocketBytesSent.get();
    }

    public long healthChecks() {
        return healthChecks.get();
    }

    private final class EchoHandler extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            String path = Request.getPathInContext(request);
            if ("/health".equals(path)) {
                healthChecks.incrementAndGet();
                int status = healthy ? HttpStatus.OK_200 : HttpStatus.SERVICE_UNAVAILABLE_503;
                sendJson(
                        response,
                        status,
                        "{\"status\": \"" + (healthy ? "ok" : "failing") + "\", \"server\": " + JsonString.quote(name)
                                + "}",
                        callback);
                return true;
            }
            requests.incrementAndGet();
            String requestId = request.getHeaders().get("X-Request-Id");
            if (requestId != null) {
                requestIds.add(requestId);
            }
            Fields query = queryParameters(request);
            if (dropRequests || query.getValue("drop") != null) {
                request.getConnectionMetaData().getConnection().getEndPoint().close();
                callback.failed(new IOException("test server dropped the connection on purpose"));
                return true;
            }
            Body body = readBody(request);
            int delay = Math.min(intParam(query, "delay_ms", 0) + extraDelayMillis, MAX_DELAY_MS);
            Runnable answer = () -> answer(request, response, callback, query, body);
            if (delay > 0) {
                // The answer's own callback reports how it went; the future has nothing more to say.
                var unused = scheduler.schedule(answer, delay, TimeUnit.MILLISECONDS);
            } else {
                answer.run();
            }
            return true;
        }

        private void answer(Request request, Response response, Callback callback, Fields query, Body body) {
            try {
                int status = forcedStatus != 0 ? forcedStatus : intParam(query, "status", HttpStatus.OK_200);
                List<String> headers = query.getValues("set_header");
                if (headers != null) {
                    for (String header : headers) {
                        int colon = header.indexOf(':');
                        if (colon > 0) {
                            response.getHeaders()
                                    .add(
                                            header.substring(0, colon).strip(),
                                            header.substring(colon + 1).strip());
                        }
                    }
                }
                int chunks = intParam(query, "chunks", 0);
                int abortAfter = intParam(query, "abort_after_bytes", -1);
                long size = longParam(query, "size", -1);
                if (chunks > 0) {
                    response.setStatus(status);
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
                    streamChunks(response, callback, 1, chunks, intParam(query, "chunk_interval_ms", 100));
                } else if (abortAfter >= 0) {
                    response.setStatus(status);
                    if (query.getValue("no_length") == null) {
                        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, (long) abortAfter * 2 + 1);
                    }
                    response.write(
                            false,
                            ByteBuffer.wrap(filler(abortAfter)),
                            Callback.from(
                                    () -> callback.failed(
                                            new IOException("test server dropped the connection on purpose")),
                                    callback::failed));
                } else if (size >= 0) {
                    response.setStatus(status);
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
                    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, size);
                    new FillerStream(response, callback, size).iterate();
                } else {
                    sendJson(response, status, echo(request, body), callback);
                }
            } catch (Throwable failure) {
                callback.failed(failure);
            }
        }

        private void streamChunks(Response response, Callback callback, int chunk, int chunks, int intervalMs) {
            ByteBuffer line = ByteBuffer.wrap(
                    ("chunk " + chunk + " of " + chunks + " from " + name + "\n").getBytes(StandardCharsets.UTF_8));
            boolean last = chunk == chunks;
            response.write(
                    last,
                    line,
                    Callback.from(
                            () -> {
                                if (last) {
                                    callback.succeeded();
                                } else {
                                    var unused = scheduler.schedule(
                                            () -> streamChunks(response, callback, chunk + 1, chunks, intervalMs),
                                            intervalMs,
                                            TimeUnit.MILLISECONDS);
                                }
                            },
                            callback::failed));
        }

        /** For a request over TLS, the server name the client asked for (SNI); nothing over plain HTTP. */
        private String tls(Request request) {
            if (!(request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE) instanceof EndPoint.SslSessionData data)) {
                return "";
            }
            String sni = null;
            if (data.sslSession() instanceof ExtendedSSLSession session) {
                for (SNIServerName name : session.getRequestedServerNames()) {
                    if (name instanceof SNIHostName host) {
                        sni = host.getAsciiName();
                    }
                }
            }
            return ", \"sni\": " + JsonString.quote(sni);
        }

        private String echo(Request request, Body body) {
            Map<String, String> headers = new LinkedHashMap<>();
            for (HttpField field : request.getHeaders()) {
                headers.merge(field.getName(), field.getValue(), (a, b) -> a + ", " + b);
            }
            StringBuilder json = new StringBuilder("{\"server\": ")
                    .append(JsonString.quote(name))
                    .append(", \"method\": ")
                    .append(JsonString.quote(request.getMethod()))
                    .append(", \"path\": ")
                    .append(JsonString.quote(request.getHttpURI().getPath()))
                    .append(", \"query\": ")
                    .append(JsonString.quote(request.getHttpURI().getQuery()))
                    .append(tls(request))
                    .append(", \"headers\": {");
            String separator = "";
            for (Map.Entry<String, String> header : headers.entrySet()) {
                json.append(separator)
                        .append(JsonString.quote(header.getKey()))
                        .append(": ")
                        .append(JsonString.quote(header.getValue()));
                separator = ", ";
            }
            return json.append("}, \"body_bytes\": ")
                    .append(body.bytes())
                    .append(", \"body_sha256\": ")
                    .append(JsonString.quote(body.sha256()))
                    .append("}")
                    .toString();
        }
    }

    /**
     * Streams {@code size} filler bytes in 64 KiB writes, one after another without recursion, so
     * that even a 1 GiB answer needs no memory. Each chunk holds whole periods of the filler, so
     * consecutive chunks continue it.
     */
    private static final class FillerStream extends IteratingCallback {
        private final Response response;
        private final Callback callback;
        private final long size;
        private long sent;
        private boolean done;

        FillerStream(Response response, Callback callback, long size) {
            this.response = response;
            this.callback = callback;
            this.size = size;
        }

        @Override
        protected Action process() {
            if (done) {
                return Action.SUCCEEDED;
            }
            int chunk = (int) Math.min(FILLER_CHUNK.length, size - sent);
            sent += chunk;
            done = sent == size;
            response.write(done, ByteBuffer.wrap(FILLER_CHUNK, 0, chunk), this);
            return Action.SCHEDULED;
        }

        @Override
        protected void onCompleteSuccess() {
            callback.succeeded();
        }

        @Override
        protected void onCompleteFailure(Throwable failure) {
            callback.failed(failure);
        }
    }

    /** A query parameter as a long, or the default when absent or not a number. */
    /** The query's parameters; none for a query that is not form-encoded (it is still echoed as it came). */
    private static Fields queryParameters(Request request) {
        try {
            return Request.extractQueryParameters(request);
        } catch (RuntimeException notFormEncoded) {
            return Fields.EMPTY;
        }
    }

    private static long longParam(Fields query, String name, long defaultValue) {
        String value = query.getValue(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return defaultValue;
        }
    }

    /** A query parameter as an int, or the default when absent or not a number. */
    private static int intParam(Fields query, String name, int defaultValue) {
        String value = query.getValue(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return defaultValue;
        }
    }

    private static void sendJson(Response response, int status, String json, Callback callback) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap((json + "\n").getBytes(StandardCharsets.UTF_8)), callback);
    }

    /** Size and SHA-256 of a request body, read as it streams in. */
    private record Body(long bytes, String sha256) {}

    private static Body readBody(Request request) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        long bytes = 0;
        byte[] buffer = new byte[16384];
        try (InputStream in = Content.Source.asInputStream(request)) {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                digest.update(buffer, 0, read);
                bytes += read;
            }
        }
        return new Body(bytes, HexFormat.of().formatHex(digest.digest()));
    }

    /** {@code size} bytes of the filler: lines of letters, byte i being {@code a + i % 26}, each 64th a newline. */
    public static byte[] filler(int size) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (i % 64 == 63 ? '\n' : 'a' + i % 26);
        }
        return bytes;
    }

    /** Filler in whole periods of 64 * 26 bytes, about 64 KiB, so that consecutive chunks continue it. */
    private static final byte[] FILLER_CHUNK = filler(64 * 26 * 39);
}
