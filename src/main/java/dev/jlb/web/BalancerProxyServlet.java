package dev.jlb.web;

import dev.jlb.Balancer;
import dev.jlb.backend.Backend;

import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.UnavailableException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.client.AsyncRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.ee10.proxy.AsyncMiddleManServlet;
import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.io.ClientConnector;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The proxy: every request that no other servlet claims goes to one backend chosen by the
 * algorithm, with its body streamed both ways. It only overrides Jetty's hooks; choosing,
 * counting and health live in {@link Balancer}.
 */
public class BalancerProxyServlet extends AsyncMiddleManServlet {
    private static final String CALL_ATTRIBUTE = BackendCall.class.getName();
    private static final String RETRY_ATTRIBUTE = RetryState.class.getName();
    private static final byte[] NO_BACKEND = JsonErrors.body("no healthy backend");
    private static final byte[] BAD_GATEWAY = JsonErrors.body("bad gateway: no complete answer from the backend");
    private static final byte[] GATEWAY_TIMEOUT = JsonErrors.body("gateway timeout: the backend did not answer in time");
    private static final byte[] TOO_LARGE = JsonErrors.body("request body too large");
    private static final byte[] BAD_REQUEST = JsonErrors.body("bad request");
    private static final byte[] REQUEST_TIMEOUT = JsonErrors.body("request timeout: the client did not send its body in time");

    private transient Balancer balancer;
    private transient ForwardingHeaders headers;
    private transient RequestScreen screen;
    private int contextPathLength;
    private boolean onJetty;

    @Override
    public void init(ServletConfig config) throws ServletException {
        balancer = (Balancer) config.getServletContext().getAttribute(Balancer.ATTRIBUTE);
        if (balancer == null) {
            throw new UnavailableException("jlb did not start; the log says why");
        }
        String via = config.getInitParameter("viaHost");
        headers = new ForwardingHeaders(balancer.config().forwardedBy(), via == null ? balancer.config().forwardedBy() : via,
            Boolean.parseBoolean(config.getInitParameter("preserveHost")), config.getInitParameter("hostHeader"));
        screen = new RequestScreen(balancer.config().maxRequestBodySize());
        contextPathLength = config.getServletContext().getContextPath().length();
        onJetty = ResponseAbort.containerAbortsOnSendError(config.getServletContext().getServerInfo());
        super.init(new ProxyServletConfig(config, balancer.config()));
        balancer.metrics().watchProxyClient(getHttpClient());
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
        InterimResponses.install(client, this::relayEarlyHints);
        return client;
    }

    /**
     * Passes a backend's {@code 103 Early Hints} on to the client, where the container can send
     * one: Jetty writes a 103 with the response's headers on {@code sendError(103)}; elsewhere
     * (Tomcat would take it for an error) it is dropped, as are other 1xx. Only its {@code Link}
     * headers go, and they are taken off the response again before the final answer's are copied.
     * The write blocks a client thread until the few bytes are sent, which a 103 (rare, first on
     * its response) can afford.
     */
    private void relayEarlyHints(Request proxyRequest, HttpFields hints) {
        if (!onJetty || !hints.contains(HttpHeader.LINK)) {
            return;
        }
        HttpServletRequest clientRequest = (HttpServletRequest) proxyRequest.getAttributes().get(CLIENT_REQUEST_ATTRIBUTE);
        // RFC 9110, 15.2: no 1xx to an HTTP/1.0 client.
        if (clientRequest == null || "HTTP/1.0".equals(clientRequest.getProtocol()) || !clientRequest.isAsyncStarted()) {
            return;
        }
        HttpServletResponse proxyResponse = (HttpServletResponse) clientRequest.getAsyncContext().getResponse();
        if (proxyResponse.isCommitted()) {
            return;
        }
        try {
            for (HttpField link : hints.getFields(HttpHeader.LINK)) {
                proxyResponse.addHeader(HttpHeader.LINK.asString(), link.getValue());
            }
            proxyResponse.sendError(HttpStatus.EARLY_HINTS_103);
        } catch (IOException | RuntimeException e) {
            _log.debug("could not relay 103 Early Hints", e);
        } finally {
            proxyResponse.setHeader(HttpHeader.LINK.asString(), null);
        }
    }

    @Override
    protected ClientConnector newClientConnector() {
        ClientConnector connector = super.newClientConnector();
        connector.setConnectTimeout(balancer.config().connectTimeout());
        return connector;
    }

    /** Lets requests in flight finish, up to the shutdown grace, before the HTTP client stops. */
    @Override
    public void destroy() {
        try {
            if (!balancer.awaitIdle(balancer.config().shutdownGrace())) {
                _log.warn("jlb stopping with {} requests still in flight after the shutdown grace", balancer.inFlight());
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
        RequestScreen.Refusal refusal = screen.screen(clientRequest);
        if (refusal != null) {
            refusal.send(proxyResponse);
            return;
        }
        super.service(clientRequest, proxyResponse);
    }

    // ---- choosing the backend ---------------------------------------------------------------

    @Override
    protected String rewriteTarget(HttpServletRequest clientRequest) {
        Backend backend = balancer.pool().pick();
        if (backend == null) {
            return null;
        }
        clientRequest.setAttribute(CALL_ATTRIBUTE, new BackendCall(backend, balancer));
        balancer.requestProxied();
        return backend.origin().toString();
    }

    /**
     * The request to the backend of the current {@link BackendCall}: the client's method, and its
     * path (without this webapp's context path) and query as they came (see {@link UpstreamRequest}).
     */
    @Override
    protected Request newProxyRequest(HttpServletRequest clientRequest, String rewrittenTarget) {
        Backend backend = call(clientRequest).backend();
        String path = clientRequest.getRequestURI();
        if (contextPathLength > 0) {
            path = path.length() == contextPathLength ? "/" : path.substring(contextPathLength);
        }
        return new UpstreamRequest(getHttpClient(), backend.origin(), path, clientRequest.getQueryString())
            .method(clientRequest.getMethod())
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
        Backend backend = call(clientRequest).backend();
        proxyRequest.headers(upstream -> headers.forward(clientRequest, backend, upstream.clear()));
    }

    /** Nothing left to add: {@link #copyRequestHeaders} added the proxy's headers already. */
    @Override
    protected void addProxyHeaders(HttpServletRequest clientRequest, Request proxyRequest) {
    }

    @Override
    protected AsyncRequestContent newProxyRequestContent(HttpServletRequest clientRequest,
                                                         HttpServletResponse proxyResponse, Request proxyRequest) {
        // With Expect: 100-continue the body comes only after the backend asks for it: stream it.
        return new UpstreamContent(expects100Continue(clientRequest) ? 0 : balancer.config().retry().bufferSize());
    }

    @Override
    protected ReadListener newProxyReadListener(HttpServletRequest clientRequest, HttpServletResponse proxyResponse,
                                                Request proxyRequest, AsyncRequestContent content) {
        return new ClientReader(clientRequest, proxyResponse, proxyRequest, content);
    }

    /** The reader of the client's body. Tomcat reports one failure of it twice; it is handled once. */
    private final class ClientReader extends ProxyReader {
        private final AtomicBoolean failed = new AtomicBoolean();

        ClientReader(HttpServletRequest clientRequest, HttpServletResponse proxyResponse, Request proxyRequest,
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
    protected ContentTransformer newClientRequestContentTransformer(HttpServletRequest clientRequest,
                                                                   Request proxyRequest) {
        long limit = balancer.config().maxRequestBodySize();
        return limit < 0 ? ContentTransformer.IDENTITY : new BodySizeLimit(limit);
    }

    @Override
    protected void sendProxyRequest(HttpServletRequest clientRequest, HttpServletResponse proxyResponse,
                                    Request proxyRequest) {
        if (proxyRequest.getBody() instanceof UpstreamContent body) {
            body.whenReadyToSend(() -> send(clientRequest, proxyResponse, proxyRequest, body));
        } else {
            send(clientRequest, proxyResponse, proxyRequest, null);
        }
    }

    private void send(HttpServletRequest clientRequest, HttpServletResponse proxyResponse, Request proxyRequest,
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
    protected void onServerResponseHeaders(HttpServletRequest clientRequest, HttpServletResponse proxyResponse,
                                           Response serverResponse) {
        if (serverResponse.getStatus() == HttpStatus.SWITCHING_PROTOCOLS_101) {
            // No upgrade was asked for (the client's Upgrade never reaches a backend): after this the
            // backend speaks something else on the connection, and a front proxy that trusted a 101
            // would tunnel the client's next bytes to a parser that still reads them as requests.
            serverResponse.abort(new InvalidAnswerException("101 Switching Protocols to a request that asked for no upgrade"));
            return;
        }
        call(clientRequest).responseHeadersReceived(serverResponse.getStatus());
        ForwardingHeaders.copyResponse(serverResponse, proxyResponse);
        if (onJetty && serverResponse.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH) < 0
            && "HTTP/1.1".equals(clientRequest.getProtocol())) {
            // Chunked even when the connection is to close after it, rather than ended by the close:
            // only then can the client tell a response the backend broke off from a complete one.
            proxyResponse.setHeader(HttpHeader.TRANSFER_ENCODING.asString(), "chunked");
        }
    }

    @Override
    protected ProxyWriter newProxyWriteListener(HttpServletRequest clientRequest, Response serverResponse) {
        BackendCall call = call(clientRequest);
        call.responseStarted();
        return new ClientWriter(clientRequest, serverResponse, call);
    }

    /** Writes a chunk and sends it at once, so that streamed responses reach the client as they arrive. */
    @Override
    protected void writeProxyResponseContent(ServletOutputStream output, ByteBuffer content) throws IOException {
        if (!BufferWrites.write(output, content)) {
            super.writeProxyResponseContent(output, content);
        }
        if (output.isReady()) {
            output.flush();
        }
    }

    /** The writer of the response to the client; a failure here is the client's (gone, too slow). */
    private final class ClientWriter extends ProxyWriter {
        private final BackendCall call;
        private final HttpServletRequest clientRequest;
        private final long contentLength;
        private boolean lengthSet;

        ClientWriter(HttpServletRequest clientRequest, Response serverResponse, BackendCall call) {
            super(clientRequest, serverResponse);
            this.call = call;
            this.clientRequest = clientRequest;
            this.contentLength = serverResponse.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
        }

        @Override
        protected Action process() throws Throwable {
            if (!lengthSet) {
                lengthSet = true;
                // Jetty drops the backend's Content-Length in case a transformer changes the body;
                // ours pass it unchanged, so it holds, and a body cut short is then seen as such.
                HttpServletResponse response = (HttpServletResponse) clientRequest.getAsyncContext().getResponse();
                if (contentLength >= 0 && !response.isCommitted()) {
                    response.setContentLengthLong(contentLength);
                }
            }
            return super.process();
        }

        @Override
        protected void onCompleteFailure(Throwable failure) {
            call.clientFailed();
            super.onCompleteFailure(failure);
        }
    }

    // ---- failures ----------------------------------------------------------------------------

    @Override
    protected void onClientRequestFailure(HttpServletRequest clientRequest, Request proxyRequest,
                                          HttpServletResponse proxyResponse, Throwable failure) {
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
        proxyRequest.abort(failure);
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
        if (failure instanceof BadMessageException badMessage) {
            return badMessage.getCode();
        }
        return HttpStatus.BAD_REQUEST_400;
    }

    @Override
    protected void onProxyResponseFailure(HttpServletRequest clientRequest, HttpServletResponse proxyResponse,
                                          Response serverResponse, Throwable failure) {
        if (!retried(clientRequest, proxyResponse, serverResponse, failure)) {
            if (failure instanceof InvalidAnswerException && !proxyResponse.isCommitted()) {
                // Nothing more is read from this client: what it sent next was meant for the other protocol.
                proxyResponse.setHeader(HttpHeader.CONNECTION.asString(), "close");
            }
            super.onProxyResponseFailure(clientRequest, proxyResponse, serverResponse, failure);
        }
    }

    /**
     * Sends the request to another backend if that is safe: nothing of the response reached the
     * client, the body can be replayed, and either the request never began (no connection) or the
     * method is idempotent and the backend dropped the connection before answering.
     */
    private boolean retried(HttpServletRequest clientRequest, HttpServletResponse proxyResponse,
                            Response serverResponse, Throwable failure) {
        BackendCall call = call(clientRequest);
        if (call == null || !call.isStarted() || call.hasClientFailed() || serverResponse != null || call.hasResponseStarted()
            || proxyResponse.isCommitted() || failure instanceof TimeoutException) {
            return false;
        }
        if (call.hasBegun() && !isIdempotent(clientRequest.getMethod())) {
            return false;
        }
        RetryState state = (RetryState) clientRequest.getAttribute(RETRY_ATTRIBUTE);
        if (state == null) {
            state = new RetryState(call.backend(), call.body());
            clientRequest.setAttribute(RETRY_ATTRIBUTE, state);
        }
        Request.Content body = null;
        if (hasContent(clientRequest)) {
            body = state.body == null ? null : state.body.replay(clientRequest.getContentType());
            if (body == null) {
                return false;
            }
        }
        if (state.tried.size() > balancer.config().retry().retries()) {
            return false;
        }
        Backend next = balancer.pool().pickOtherThan(state.tried, balancer.random());
        if (next == null) {
            return false;
        }
        call.backend().retried();
        state.tried.add(next);
        clientRequest.setAttribute(CALL_ATTRIBUTE, new BackendCall(next, balancer));
        Request retry = newProxyRequest(clientRequest, next.origin().toString());
        copyRequestHeaders(clientRequest, retry);
        addProxyHeaders(clientRequest, retry);
        retry.timeout(getTimeout(), TimeUnit.MILLISECONDS);
        if (body != null) {
            retry.body(body);
        }
        if (_log.isDebugEnabled()) {
            _log.debug("retrying {} on {} after {} failed: {}", clientRequest.getRequestURI(), next, call.backend(),
                failure.toString());
        }
        sendProxyRequest(clientRequest, proxyResponse, retry);
        return true;
    }

    /** The backends a request was sent to, and its body as first read, kept across its retries. */
    private static final class RetryState {
        private final List<Backend> tried = new ArrayList<>(4);
        private final UpstreamContent body;

        RetryState(Backend first, UpstreamContent body) {
            this.tried.add(first);
            this.body = body;
        }
    }

    private static boolean isIdempotent(String method) {
        return switch (method) {
            case "GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE" -> true;
            default -> false;
        };
    }

    @Override
    protected void sendProxyResponseError(HttpServletRequest clientRequest, HttpServletResponse proxyResponse,
                                          int status) {
        BackendCall call = call(clientRequest);
        UpstreamContent upload = call == null ? null : call.body();
        if (upload != null && !upload.isClientBodyRead() && !proxyResponse.isCommitted()) {
            // Answer once the client has sent its body, or it could not read the answer (see UpstreamContent).
            upload.whenClientBodyRead(() -> sendProxyResponseError(clientRequest, proxyResponse, status));
            return;
        }
        if (proxyResponse.isCommitted() && !onJetty) {
            // Never let the container finish a response the backend broke off.
            ResponseAbort.abortByDispatch(clientRequest);
            return;
        }
        byte[] body = errorBody(status);
        // Once the response has begun, Jetty aborts it on sendError: the client never sees it complete.
        if (body == null || proxyResponse.isCommitted() || call != null && call.hasResponseStarted()) {
            super.sendProxyResponseError(clientRequest, proxyResponse, status);
            return;
        }
        try {
            if (status < 500) {
                // The client's request was bad: what is left of it on the connection is not to be trusted.
                proxyResponse.setHeader(HttpHeader.CONNECTION.asString(), "close");
            }
            JsonErrors.send(proxyResponse, status, body);
            clientRequest.getAsyncContext().complete();
        } catch (IOException | RuntimeException e) {
            _log.debug("could not send {}", status, e);
            super.sendProxyResponseError(clientRequest, proxyResponse, status);
        }
    }

    private static byte[] errorBody(int status) {
        return switch (status) {
            case HttpStatus.GATEWAY_TIMEOUT_504 -> GATEWAY_TIMEOUT;
            case HttpStatus.BAD_GATEWAY_502 -> BAD_GATEWAY;
            case HttpStatus.PAYLOAD_TOO_LARGE_413 -> TOO_LARGE;
            case HttpStatus.BAD_REQUEST_400 -> BAD_REQUEST;
            case HttpStatus.REQUEST_TIMEOUT_408 -> REQUEST_TIMEOUT;
            default -> null;
        };
    }

    private static BackendCall call(HttpServletRequest clientRequest) {
        return (BackendCall) clientRequest.getAttribute(CALL_ATTRIBUTE);
    }
}
