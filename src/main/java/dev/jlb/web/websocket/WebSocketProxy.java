package dev.jlb.web.websocket;

import dev.jlb.balancer.Backend;
import dev.jlb.balancer.BackendTls;
import dev.jlb.config.BalancerConfig;
import dev.jlb.config.ServerConfig;
import dev.jlb.web.JsonErrors;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WebSockets through jlb: the client's upgrade goes to the backend the proxy chose, and once that
 * backend answers 101 the two connections are joined until either side closes. The backend's side
 * is always raw bytes on a connection of this class's own HTTP client; the client's side is what
 * the container offers (see {@link ClientSide}).
 */
public final class WebSocketProxy {
    private static final Logger LOG = LoggerFactory.getLogger(WebSocketProxy.class);
    private static final Duration CLOSING_TIME = ServerConfig.WEBSOCKET_CLOSING_TIME;

    private static final String JETTY_CONTAINER = "org.eclipse.jetty.websocket.api.WebSocketContainer";
    private static final byte[] NO_WEBSOCKET =
            JsonErrors.body("WebSocket is not enabled in this Jetty: add its ee10-websocket-jetty module");
    private static final byte[] BAD_HANDSHAKE = JsonErrors.body("bad WebSocket handshake");
    private static final byte[] BACKEND_FAILED = JsonErrors.body("backend failed");
    private static final byte[] BACKEND_TIMEOUT = JsonErrors.body("backend timeout");

    private final HttpClient client;
    /** Set once at start; {@code null} where this container cannot upgrade (a 501 then). */
    private ClientSide clientSide;

    private final WebSocketJoints joints = new WebSocketJoints();
    private final long handshakeTimeout;
    private final Duration grace;
    private final BiConsumer<Response, HttpServletResponse> copyHeaders;

    private WebSocketProxy(
            HttpClient client, BalancerConfig config, BiConsumer<Response, HttpServletResponse> copyHeaders) {
        this.client = client;
        this.handshakeTimeout =
                config.connectTimeout().plus(config.backendTimeout()).toMillis();
        this.grace = config.shutdownGrace();
        this.copyHeaders = copyHeaders;
    }

    /**
     * Starts the HTTP client for backends' WebSockets and finds how this container upgrades.
     *
     * @param copyHeaders copies a backend's response headers to the client's response, as the proxy does
     */
    public static WebSocketProxy start(
            ServletContext context,
            BalancerConfig config,
            Executor executor,
            BiConsumer<Response, HttpServletResponse> copyHeaders)
            throws Exception {
        ClientConnector connector = new ClientConnector();
        connector.setConnectTimeout(config.connectTimeout());
        connector.setSslContextFactory(BackendTls.context(config.backendTrust()));
        connector.setExecutor(executor);
        HttpClient client = new HttpClient(new HttpClientTransportOverHTTP(connector));
        client.setExecutor(executor);
        client.setFollowRedirects(false);
        client.setHttpCookieStore(new HttpCookieStore.Empty());
        client.setUserAgentField(null);
        client.getContentDecoderFactories().clear();
        client.start();
        WebSocketProxy proxy = new WebSocketProxy(client, config, copyHeaders);
        proxy.clientSide = proxy.findClientSide(context, config);
        return proxy;
    }

    private ClientSide findClientSide(ServletContext context, BalancerConfig config) {
        if (context.getAttribute(JETTY_CONTAINER) != null) {
            Supplier<CompletableFuture<Void>> gracefulStop = this::gracefulStop;
            try {
                // By name: only Jetty has these classes, and Tomcat must never load them.
                return Class.forName(WebSocketProxy.class.getPackageName() + ".JettyClientSide")
                        .asSubclass(ClientSide.class)
                        .getDeclaredConstructor(ServletContext.class, Duration.class, Scheduler.class, Supplier.class)
                        .newInstance(context, config.websocketTimeout(), client.getScheduler(), gracefulStop);
            } catch (ReflectiveOperationException | LinkageError e) {
                LOG.warn("jlb cannot use Jetty's WebSocket API ({}): WebSocket upgrades get 501", e.toString());
                return null;
            }
        }
        if (context.getServerInfo().toLowerCase(Locale.ROOT).contains("jetty")) {
            LOG.warn("Jetty's ee10-websocket-jetty module is not enabled: WebSocket upgrades get 501");
            return null;
        }
        return new ServletClientSide(client.getScheduler());
    }

    /** The client for the backends' side, for the proxy to build the upgrade request with. */
    public HttpClient httpClient() {
        return client;
    }

    /**
     * Whether a request is a WebSocket handshake: an HTTP/1.1 GET with {@code Upgrade: websocket},
     * {@code Connection: upgrade} and a key. Anything less is proxied as a plain request, without
     * its {@code Upgrade}; a version other than 13 is the backend's to refuse.
     */
    public static boolean isUpgrade(HttpServletRequest request) {
        String upgrade = request.getHeader("Upgrade");
        if (upgrade == null || !hasToken(upgrade, "websocket")) {
            return false;
        }
        String connection = request.getHeader("Connection");
        return connection != null
                && hasToken(connection, "upgrade")
                && request.getHeader("Sec-WebSocket-Key") != null
                && "GET".equals(request.getMethod())
                && "HTTP/1.1".equals(request.getProtocol());
    }

    /**
     * Sends the upgrade on to the backend and, if it accepts, joins the client to it; otherwise
     * the client gets the backend's answer. Blocks this request's thread for the handshake.
     *
     * @param upstream the request to the backend, with the headers it is to see
     * @param cookie   a {@code Set-Cookie} value jlb adds to the 101 (the sticky route), or {@code null}
     */
    public void proxy(
            HttpServletRequest request, HttpServletResponse response, Backend backend, Request upstream, String cookie)
            throws IOException {
        if (clientSide == null) {
            JsonErrors.send(response, HttpStatus.NOT_IMPLEMENTED_501, NO_WEBSOCKET);
            return;
        }
        if (clientSide.reframes()) {
            upstream.headers(headers -> headers.remove(HttpHeader.SEC_WEBSOCKET_EXTENSIONS));
        }
        response.setHeader("X-Backend-Server", backend.authority());
        BackendHandshake.Answer answer;
        CompletableFuture<BackendHandshake.Answer> pending =
                BackendHandshake.send(upstream, client.getExecutor(), handshakeTimeout);
        try {
            answer = pending.get(handshakeTimeout + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pending.cancel(true);
            JsonErrors.send(response, HttpStatus.BAD_GATEWAY_502, BACKEND_FAILED);
            return;
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            LOG.debug("WebSocket handshake with {} failed", backend, cause);
            backend.meters().failed(0);
            boolean timedOut = cause instanceof TimeoutException;
            JsonErrors.send(
                    response,
                    timedOut ? HttpStatus.GATEWAY_TIMEOUT_504 : HttpStatus.BAD_GATEWAY_502,
                    timedOut ? BACKEND_TIMEOUT : BACKEND_FAILED);
            return;
        }
        copyHeaders.accept(answerResponse(answer), response);
        response.setHeader("X-Backend-Server", backend.authority());
        if (cookie != null) {
            response.addHeader("Set-Cookie", cookie);
        }
        if (answer instanceof BackendHandshake.Refused refused) {
            backend.meters().answered(refused.response().getStatus(), 0);
            response.setStatus(refused.response().getStatus());
            ByteBuffer body = refused.body();
            response.setContentLength(body.remaining());
            response.getOutputStream().write(body.array(), body.arrayOffset() + body.position(), body.remaining());
            return;
        }
        BackendHandshake.Upgraded upgraded = (BackendHandshake.Upgraded) answer;
        backend.meters().answered(HttpStatus.SWITCHING_PROTOCOLS_101, 0);
        Joint joint = joints.open(backend);
        boolean joined = false;
        try {
            joined = clientSide.join(request, response, upgraded, joint);
        } finally {
            if (!joined) {
                upgraded.pipe().getEndPoint().close();
                joint.ended();
                if (!response.isCommitted()) {
                    JsonErrors.send(response, HttpStatus.BAD_REQUEST_400, BAD_HANDSHAKE);
                }
            }
        }
    }

    private static Response answerResponse(BackendHandshake.Answer answer) {
        return answer instanceof BackendHandshake.Upgraded upgraded
                ? upgraded.response()
                : ((BackendHandshake.Refused) answer).response();
    }

    /**
     * The stop: waits for the WebSockets to close by themselves up to the shutdown grace
     * (counted from when the stop began), then closes the rest with 1001 and stops the client.
     */
    public void stop(Duration graceLeft) throws InterruptedException {
        closeAfter(graceLeft);
        try {
            client.stop();
        } catch (Exception e) {
            LOG.debug("stopping the WebSocket client", e);
        }
    }

    /** Jetty's graceful stop, which runs before Jetty closes connections: see {@link JettyGoingAway}. */
    private CompletableFuture<Void> gracefulStop() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        joints.stopping();
        Thread stopper = new Thread(
                () -> {
                    try {
                        closeAfter(grace);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        done.complete(null);
                    }
                },
                "jlb-websockets-stop");
        stopper.setDaemon(true);
        stopper.start();
        return done;
    }

    /** Lets WebSockets close by themselves for this long, then sends the rest 1001 and waits for them. */
    private void closeAfter(Duration grace) throws InterruptedException {
        joints.stopping();
        if (!joints.awaitNone(grace)) {
            LOG.info("closing {} WebSockets with 1001 after the shutdown grace", joints.count());
            joints.goAwayAll();
            joints.awaitNone(CLOSING_TIME);
        }
    }

    private static boolean hasToken(String value, String token) {
        for (String part : value.split(",", -1)) {
            if (part.strip().equalsIgnoreCase(token)) {
                return true;
            }
        }
        return false;
    }
}
