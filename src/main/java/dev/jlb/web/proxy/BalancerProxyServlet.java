package dev.jlb.web.proxy;

import dev.jlb.balancer.Backend;
import dev.jlb.balancer.BackendPool;
import dev.jlb.balancer.BackendTls;
import dev.jlb.balancer.Balancer;
import dev.jlb.config.BalancerConfig;
import dev.jlb.metrics.BalancerMetrics;
import dev.jlb.web.JsonErrors;
import dev.jlb.web.websocket.WebSocketProxy;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.UnavailableException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.client.AsyncRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.ee10.proxy.AsyncMiddleManServlet;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.Callback;

/**
 * The proxy: every request that no other servlet claims goes to one backend chosen by the
 * algorithm, with its body streamed both ways. It only overrides Jetty's hooks; choosing,
 * counting and health live in {@link Balancer}.
 */
public class BalancerProxyServlet extends AsyncMiddleManServlet {
    private static final String CALL_ATTRIBUTE = BackendCall.class.getName();
    private static final String OUTPUT_ATTRIBUTE = ClientOutput.class.getName();
    private static final byte[] NO_BACKEND = JsonErrors.body("no healthy backend");

    private transient Balancer balancer;
    private transient volatile RequestRules rules;
    private transient RequestRules.ServletParams params;
    private transient Retries retries;
    private transient ErrorReplies errors;
    private transient WebSocketProxy webSockets;

    private int contextPathLength;
    private boolean onJetty;

    @Override
    public void init(ServletConfig config) throws ServletException {
        balancer = (Balancer) config.getServletContext().getAttribute(Balancer.ATTRIBUTE);
        if (balancer == null) {
            throw new UnavailableException("jlb did not start; the log says why");
        }
        String contextPath = config.getServletContext().getContextPath();
        contextPathLength = contextPath.length();
        params = new RequestRules.ServletParams(
                contextPath,
                config.getInitParameter("viaHost"),
                Boolean.parseBoolean(config.getInitParameter("preserveHost")),
                config.getInitParameter("hostHeader"));
        rules = RequestRules.of(balancer.config(), balancer.pool().algorithm().usesKey(), params);
        balancer.onReconfigured(this::reconfigured);
        onJetty = ResponseAbort.containerAbortsOnSendError(
                config.getServletContext().getServerInfo());
        retries = new Retries(balancer);
        errors = new ErrorReplies(onJetty);
        super.init(new ProxyServletConfig(config, balancer.config()));
        BalancerMetrics metrics = (BalancerMetrics) config.getServletContext().getAttribute(BalancerMetrics.ATTRIBUTE);
        if (metrics != null) {
            metrics.watchProxyClient(getHttpClient());
        }
        try {
            webSockets = WebSocketProxy.start(
                    config.getServletContext(),
                    balancer.config(),
                    getHttpClient().getExecutor(),
                    ForwardingHeaders::copyResponse);
        } catch (Exception e) {
            throw new ServletException("jlb: the WebSocket client could not start", e);
        }
    }

    /** A reloaded configuration: new requests follow it, those under way keep the rules they began with. */
    private void reconfigured(BalancerConfig next) {
        rules = RequestRules.of(next, balancer.pool().algorithm().usesKey(), params);
        HttpClient client = getHttpClient();
        if (client != null) {
            client.setConnectTimeout(next.connectTimeout().toMillis());
        }
    }

    /**
     * Jetty's HttpClient keeps at most half its thread count of buffers per size, so that with a
     * small thread pool and many connections each response read allocates a new direct buffer and
     * the JVM ends up collecting them with full GCs. Here a pool bounded only by its memory.
     */
    @Override
    protected HttpClient newHttpClient() {
        HttpClient client = super.newHttpClient();
        client.setByteBufferPool(new ArrayByteBufferPool(0, 2048, 65536, Integer.MAX_VALUE));
        return client;
    }

    @Override
    protected HttpClient createHttpClient() throws ServletException {
        HttpClient client = super.createHttpClient();
        InterimResponses.install(client, new EarlyHintsRelay(CLIENT_REQUEST_ATTRIBUTE, onJetty));
        return client;
    }

    @Override
    protected ClientConnector newClientConnector() {
        ClientConnector connector = super.newClientConnector();
        connector.setConnectTimeout(balancer.config().connectTimeout());
        connector.setSslContextFactory(BackendTls.context(balancer.config().backendTrust()));
        return connector;
    }

    /**
     * Lets requests in flight finish and WebSockets close, up to the shutdown grace, before the
     * HTTP clients stop; WebSockets still open then are closed with 1001.
     */
    @Override
    public void destroy() {
        long start = balancer.nanoTime();
        Duration grace = balancer.config().shutdownGrace();
        try {
            if (!balancer.awaitIdle(grace)) {
                _log.warn(
                        "jlb stopping with {} requests still in flight after the shutdown grace", balancer.inFlight());
            }
            if (webSockets != null) {
                Duration spent = Duration.ofNanos(balancer.nanoTime() - start);
                webSockets.stop(spent.compareTo(grace) >= 0 ? Duration.ZERO : grace.minus(spent));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        super.destroy();
    }

    @Override
    protected void service(HttpServletRequest clientRequest, HttpServletResponse proxyResponse)
            throws ServletException, IOException {
        ResponseAbort.throwIfRequested(clientRequest, proxyResponse);
        RequestScreen.Refusal refusal = rules.screen().screen(clientRequest);
        if (refusal != null) {
            refusal.send(proxyResponse);
            return;
        }
        if (WebSocketProxy.isUpgrade(clientRequest)) {
            proxyWebSocket(clientRequest, proxyResponse);
            return;
        }
        super.service(clientRequest, proxyResponse);
    }

    /**
     * A WebSocket goes to the backend any request would (sticky route, hash key and all), with
     * the headers any request would carry; see {@link WebSocketProxy}.
     */
    private void proxyWebSocket(HttpServletRequest clientRequest, HttpServletResponse proxyResponse)
            throws IOException {
        if (rewriteTarget(clientRequest) == null) {
            onProxyRewriteFailed(clientRequest, proxyResponse);
            return;
        }
        BackendCall call = call(clientRequest);
        Backend backend = call.backend();
        Request upstream = new UpstreamRequest(
                webSockets.httpClient(), backend.origin(), upstreamPath(clientRequest), clientRequest.getQueryString());
        RequestRules callRules = call.rules();
        upstream.headers(fields -> callRules.headers().forward(clientRequest, backend, fields.clear()));
        StickySessions sessions = callRules.sessions();
        String cookie =
                sessions.usesCookie() && !call.byRoute() ? sessions.cookie(backend, clientRequest.isSecure()) : null;
        webSockets.proxy(clientRequest, proxyResponse, backend, upstream, cookie);
    }

    private String upstreamPath(HttpServletRequest clientRequest) {
        String path = clientRequest.getRequestURI();
        if (contextPathLength > 0) {
            path = path.length() == contextPathLength ? "/" : path.substring(contextPathLength);
        }
        return path;
    }

    // ---- choosing the backend ---------------------------------------------------------------

    @Override
    protected String rewriteTarget(HttpServletRequest clientRequest) {
        BackendPool pool = balancer.pool();
        RequestRules requestRules = rules;
        String route = requestRules.sessions().requestedRoute(clientRequest);
        Backend backend = route == null ? null : pool.byRoute(route);
        boolean byRoute = backend != null;
        if (backend == null) {
            RequestKeys keys = requestRules.keys();
            backend = keys == null ? pool.pick() : pool.pick(keys.hash(clientRequest));
            if (backend == null) {
                return null;
            }
        }
        clientRequest.setAttribute(CALL_ATTRIBUTE, new BackendCall(backend, balancer, byRoute, requestRules));
        balancer.requestProxied();
        return backend.origin().toString();
    }

    /**
     * The request to the backend of the current {@link BackendCall}: the client's method, and its
     * path (without this webapp's context path) and query as they came (see {@link UpstreamRequest}).
     */
    @Override
    protected Request newProxyRequest(HttpServletRequest clientRequest, String rewrittenTarget) {
        BackendCall call = call(clientRequest);
        Backend backend = call.backend();
        return new UpstreamRequest(
                        getHttpClient(), backend.origin(), upstreamPath(clientRequest), clientRequest.getQueryString())
                .method(clientRequest.getMethod())
                .idleTimeout(call.rules().backendTimeoutMillis(), TimeUnit.MILLISECONDS)
                .attribute(CLIENT_REQUEST_ATTRIBUTE, clientRequest);
    }

    @Override
    protected void onProxyRewriteFailed(HttpServletRequest clientRequest, HttpServletResponse proxyResponse) {
        try {
            JsonErrors.send(proxyResponse, HttpStatus.SERVICE_UNAVAILABLE_503, NO_BACKEND);
        } catch (IOException e) {
            _log.debug("could not send 503", e);
        }
    }

    // ---- the request to the backend ---------------------------------------------------------

    /** Copies the client's headers and adds the proxy's, in one pass (see {@link ForwardingHeaders}). */
    @Override
    protected void copyRequestHeaders(HttpServletRequest clientRequest, Request proxyRequest) {
        BackendCall call = call(clientRequest);
        Backend backend = call.backend();
        ForwardingHeaders headers = call.rules().headers();
        proxyRequest.headers(upstream -> headers.forward(clientRequest, backend, upstream.clear()));
    }

    /** Nothing left to add: {@link #copyRequestHeaders} added the proxy's headers already. */
    @Override
    protected void addProxyHeaders(HttpServletRequest clientRequest, Request proxyRequest) {}

    @Override
    protected AsyncRequestContent newProxyRequestContent(
            HttpServletRequest clientRequest, HttpServletResponse proxyResponse, Request proxyRequest) {
        listenToClientOutput(clientRequest, proxyResponse);
        // With Expect: 100-continue the body comes only after the backend asks for it: stream it.
        return new UpstreamContent(
                expects100Continue(clientRequest)
                        ? 0
                        : balancer.config().retry().bufferSize(),
                clientRequest.getContentLengthLong());
    }

    @Override
    protected ReadListener newProxyReadListener(
            HttpServletRequest clientRequest,
            HttpServletResponse proxyResponse,
            Request proxyRequest,
            AsyncRequestContent content) {
        return new ClientReader(clientRequest, proxyResponse, proxyRequest, content);
    }

    /** The reader of the client's body. Tomcat reports one failure of it twice; it is handled once. */
    private final class ClientReader extends ProxyReader {
        private final AtomicBoolean failed = new AtomicBoolean();

        ClientReader(
                HttpServletRequest clientRequest,
                HttpServletResponse proxyResponse,
                Request proxyRequest,
                AsyncRequestContent content) {
            super(clientRequest, proxyResponse, proxyRequest, content);
        }

        @Override
        public void onError(Throwable failure) {
            if (failed.compareAndSet(false, true)) {
                super.onError(failure);
            }
        }
    }

    @Override
    protected ContentTransformer newClientRequestContentTransformer(
            HttpServletRequest clientRequest, Request proxyRequest) {
        long limit = balancer.config().maxRequestBodySize();
        return limit < 0 ? ContentTransformer.IDENTITY : new BodySizeLimit(limit);
    }

    @Override
    protected void sendProxyRequest(
            HttpServletRequest clientRequest, HttpServletResponse proxyResponse, Request proxyRequest) {
        listenToClientOutput(clientRequest, proxyResponse);
        if (proxyRequest.getBody() instanceof UpstreamContent body) {
            body.whenReadyToSend(() -> send(clientRequest, proxyResponse, proxyRequest, body));
        } else {
            send(clientRequest, proxyResponse, proxyRequest, null);
        }
    }

    private void send(
            HttpServletRequest clientRequest,
            HttpServletResponse proxyResponse,
            Request proxyRequest,
            UpstreamContent body) {
        BackendCall call = call(clientRequest);
        Backend backend = call.backend();
        long length = clientRequest.getContentLengthLong();
        if (body != null && length >= 0) {
            // Jetty drops the length of a body it streams in parts; the body passes unchanged, so it holds.
            proxyRequest.headers(headers -> headers.put(HttpHeader.CONTENT_LENGTH, length));
        }
        call.start(body);
        proxyRequest.onRequestBegin(call).onComplete(call);
        proxyResponse.setHeader(ForwardingHeaders.X_BACKEND_SERVER, backend.authority());
        super.sendProxyRequest(clientRequest, proxyResponse, proxyRequest);
    }

    // ---- the response to the client ---------------------------------------------------------

    @Override
    protected void onServerResponseHeaders(
            HttpServletRequest clientRequest, HttpServletResponse proxyResponse, Response serverResponse) {
        if (serverResponse.getStatus() == HttpStatus.SWITCHING_PROTOCOLS_101) {
            // No upgrade was asked for (the client's Upgrade never reaches a backend): after this the
            // backend speaks something else on the connection, and a front proxy that trusted a 101
            // would tunnel the client's next bytes to a parser that still reads them as requests.
            // The abort completes the exchange, which the response listener reports as failed.
            var unused = serverResponse.abort(
                    new InvalidAnswerException("101 Switching Protocols to a request that asked for no upgrade"));
            return;
        }
        BackendCall call = call(clientRequest);
        call.responseHeadersReceived(serverResponse.getStatus());
        ForwardingHeaders.copyResponse(serverResponse, proxyResponse);
        StickySessions sessions = call.rules().sessions();
        if (sessions.usesCookie() && !call.byRoute()) {
            // The algorithm chose: the session is bound to this backend from now on.
            proxyResponse.addHeader("Set-Cookie", sessions.cookie(call.backend(), clientRequest.isSecure()));
        }
        if (onJetty
                && serverResponse.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH) < 0
                && "HTTP/1.1".equals(clientRequest.getProtocol())) {
            // Chunked even when the connection is to close after it, rather than ended by the close:
            // only then can the client tell a response the backend broke off from a complete one.
            proxyResponse.setHeader(HttpHeader.TRANSFER_ENCODING.asString(), "chunked");
        }
    }

    /**
     * The client's output, registered for non-blocking writes the first time a request is about to
     * go to a backend: while the container still handles it (see {@link ClientOutput}).
     */
    private static ClientOutput listenToClientOutput(
            HttpServletRequest clientRequest, HttpServletResponse proxyResponse) {
        ClientOutput output = (ClientOutput) clientRequest.getAttribute(OUTPUT_ATTRIBUTE);
        if (output == null) {
            try {
                output = ClientOutput.listen(proxyResponse.getOutputStream());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            clientRequest.setAttribute(OUTPUT_ATTRIBUTE, output);
        }
        return output;
    }

    @Override
    protected Response.CompleteListener newProxyResponseListener(
            HttpServletRequest clientRequest, HttpServletResponse proxyResponse) {
        return new ResponseRelay(
                clientRequest, proxyResponse, call(clientRequest), listenToClientOutput(clientRequest, proxyResponse));
    }

    /**
     * Passes one backend answer to the client, each chunk written as it arrives and the next one
     * asked for once the client's side took it. Unlike Jetty's proxy listener it has no content
     * transformers (jlb changes no body) and no queue: one chunk is in flight at a time.
     */
    private final class ResponseRelay implements Response.Listener {
        private final HttpServletRequest clientRequest;
        private final HttpServletResponse proxyResponse;
        private final BackendCall call;
        private final ClientOutput output;
        private final AtomicBoolean finished = new AtomicBoolean();
        private Response response;
        private boolean contentStarted;
        private volatile boolean writing;
        private volatile Result result;

        ResponseRelay(
                HttpServletRequest clientRequest,
                HttpServletResponse proxyResponse,
                BackendCall call,
                ClientOutput output) {
            this.clientRequest = clientRequest;
            this.proxyResponse = proxyResponse;
            this.call = call;
            this.output = output;
        }

        @Override
        public void onBegin(Response serverResponse) {
            response = serverResponse;
            proxyResponse.setStatus(serverResponse.getStatus());
        }

        @Override
        public void onHeaders(Response serverResponse) {
            onServerResponseHeaders(clientRequest, proxyResponse, serverResponse);
        }

        @Override
        public void onContent(Response serverResponse, Content.Chunk chunk, Runnable demander) {
            if (!contentStarted) {
                contentStarted = true;
                call.responseStarted();
            }
            chunk.retain();
            writing = true;
            output.write(chunk.getByteBuffer(), new Callback() {
                @Override
                public void succeeded() {
                    chunk.release();
                    writing = false;
                    if (result != null) {
                        finish();
                    } else {
                        demander.run();
                    }
                }

                @Override
                public void failed(Throwable failure) {
                    chunk.release();
                    writing = false;
                    // The client is gone or too slow: the backend is not to blame.
                    call.clientFailed();
                    var unused = serverResponse.abort(failure);
                }

                @Override
                public InvocationType getInvocationType() {
                    return InvocationType.NON_BLOCKING;
                }
            });
        }

        /**
         * Called once per exchange. A success waits for the last chunk's write (Jetty's client may
         * report the end while it is still outstanding); a failure is answered at once.
         */
        @Override
        public void onComplete(Result result) {
            this.result = result;
            if (result.isFailed() || !writing) {
                finish();
            }
        }

        private void finish() {
            if (!finished.compareAndSet(false, true)) {
                return;
            }
            Result outcome = result;
            if (outcome.isSucceeded()) {
                onProxyResponseSuccess(clientRequest, proxyResponse, response);
            } else {
                onProxyResponseFailure(clientRequest, proxyResponse, response, outcome.getFailure());
            }
        }
    }

    // ---- failures ----------------------------------------------------------------------------

    @Override
    protected void onClientRequestFailure(
            HttpServletRequest clientRequest,
            Request proxyRequest,
            HttpServletResponse proxyResponse,
            Throwable failure) {
        // A failure here after the backend side failed is one of the client's body being discarded:
        // the response failure decides what the client gets.
        UpstreamContent content = proxyRequest.getBody() instanceof UpstreamContent body ? body : null;
        if (content == null || !content.failed()) {
            BackendCall call = call(clientRequest);
            if (call != null) {
                call.clientFailed();
            }
            proxyResponse.setStatus(clientRequestStatus(failure));
        }
        // The exchange's failure reaches the response listener, which answers the client.
        var unused = proxyRequest.abort(failure);
        if (content != null) {
            // An error answer waiting for the end of the body goes out now.
            content.bodyRead();
        }
    }

    @Override
    protected int clientRequestStatus(Throwable failure) {
        if (failure instanceof TimeoutException) {
            return HttpStatus.REQUEST_TIMEOUT_408;
        }
        if (failure instanceof HttpException badMessage) {
            return badMessage.getCode();
        }
        return HttpStatus.BAD_REQUEST_400;
    }

    @Override
    protected void onProxyResponseFailure(
            HttpServletRequest clientRequest,
            HttpServletResponse proxyResponse,
            Response serverResponse,
            Throwable failure) {
        if (!retried(clientRequest, proxyResponse, serverResponse, failure)) {
            if (failure instanceof InvalidAnswerException && !proxyResponse.isCommitted()) {
                // Nothing more is read from this client: what it sent next was meant for the other protocol.
                proxyResponse.setHeader(HttpHeader.CONNECTION.asString(), "close");
            }
            super.onProxyResponseFailure(clientRequest, proxyResponse, serverResponse, failure);
        }
    }

    /** Sends the request on to another backend when {@link Retries} says that is safe. */
    private boolean retried(
            HttpServletRequest clientRequest,
            HttpServletResponse proxyResponse,
            Response serverResponse,
            Throwable failure) {
        BackendCall call = call(clientRequest);
        Retries.Retry retry =
                retries.next(clientRequest, proxyResponse, call, serverResponse, failure, hasContent(clientRequest));
        if (retry == null) {
            return false;
        }
        clientRequest.setAttribute(CALL_ATTRIBUTE, new BackendCall(retry.backend(), balancer, false, call.rules()));
        Request request =
                newProxyRequest(clientRequest, retry.backend().origin().toString());
        copyRequestHeaders(clientRequest, request);
        addProxyHeaders(clientRequest, request);
        request.timeout(getTimeout(), TimeUnit.MILLISECONDS);
        if (retry.body() != null) {
            request.body(retry.body());
        }
        if (_log.isDebugEnabled()) {
            _log.debug(
                    "retrying {} on {} after {} failed: {}",
                    clientRequest.getRequestURI(),
                    retry.backend(),
                    call.backend(),
                    failure.toString());
        }
        sendProxyRequest(clientRequest, proxyResponse, request);
        return true;
    }

    @Override
    protected void sendProxyResponseError(
            HttpServletRequest clientRequest, HttpServletResponse proxyResponse, int status) {
        errors.send(
                clientRequest,
                proxyResponse,
                status,
                call(clientRequest),
                code -> super.sendProxyResponseError(clientRequest, proxyResponse, code));
    }

    private static BackendCall call(HttpServletRequest clientRequest) {
        return (BackendCall) clientRequest.getAttribute(CALL_ATTRIBUTE);
    }
}
