package dev.jlb.web.proxy;

import dev.jlb.balancer.Backend;
import dev.jlb.balancer.Balancer;
import dev.jlb.health.OutlierDetector;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;

/**
 * One attempt to have a backend answer a client request. It holds the backend's in-flight count
 * from the moment the request is sent until HttpClient reports the exchange complete, which it
 * does exactly once whatever happened (answer, connect failure, timeout, reset, client abort),
 * and then tells the outlier detector how the backend did.
 */
final class BackendCall implements Request.BeginListener, Response.CompleteListener {
    private final Backend backend;
    private final Balancer balancer;
    private final boolean byRoute;
    private final RequestRules rules;
    private long startNanos;
    private volatile boolean started;
    private volatile boolean began;
    private volatile int status;
    private volatile boolean responseStarted;
    private volatile boolean clientFailed;
    private UpstreamContent body;

    /**
     * An attempt at this backend, not yet sent.
     *
     * @param byRoute whether the request's session chose the backend (rather than the algorithm)
     */
    BackendCall(Backend backend, Balancer balancer, boolean byRoute, RequestRules rules) {
        this.backend = backend;
        this.balancer = balancer;
        this.byRoute = byRoute;
        this.rules = rules;
    }

    /** The rules in force when the client's request arrived. */
    RequestRules rules() {
        return rules;
    }

    /** Whether the request's session chose the backend; else the algorithm did, and the session is bound anew. */
    boolean byRoute() {
        return byRoute;
    }

    /** The request is being sent: it is in flight from now until {@link #onComplete}. */
    void start(UpstreamContent body) {
        this.body = body;
        this.startNanos = balancer.nanoTime();
        backend.requestStarted();
        started = true;
    }

    boolean isStarted() {
        return started;
    }

    Backend backend() {
        return backend;
    }

    /** The body streamed to the backend, kept for a replay elsewhere if it fits. */
    UpstreamContent body() {
        return body;
    }

    /** HttpClient began to send the request: the backend may have received some of it. */
    @Override
    public void onBegin(Request request) {
        began = true;
    }

    boolean hasBegun() {
        return began;
    }

    /** The backend's response headers arrived. */
    void responseHeadersReceived(int status) {
        this.status = status;
        long now = balancer.nanoTime();
        backend.recordLatency(now, now - startNanos);
    }

    /** Whether content of the backend's response has begun to flow to the client. */
    boolean hasResponseStarted() {
        return responseStarted;
    }

    void responseStarted() {
        responseStarted = true;
    }

    /** The client side failed (went away, timed out): the backend is not to blame for the abort. */
    void clientFailed() {
        clientFailed = true;
    }

    boolean hasClientFailed() {
        return clientFailed;
    }

    @Override
    public void onComplete(Result result) {
        long took = balancer.nanoTime() - startNanos;
        if (result.isSucceeded() || (clientFailed && status != 0)) {
            backend.meters().answered(status, took);
        } else {
            backend.meters().failed(took);
        }
        backend.requestEnded(result.isFailed() && !clientFailed);
        if (clientFailed) {
            return;
        }
        OutlierDetector outliers = balancer.outliers();
        if (result.isSucceeded()) {
            outliers.answered(backend, status);
        } else if (!began && !(result.getFailure() instanceof RejectedExecutionException)) {
            // Never began: no connection could be made (a full queue is our limit, not the backend's fault).
            outliers.connectFailed(backend, result.getFailure());
        } else if (result.getFailure() instanceof TimeoutException
                || result.getFailure() instanceof InvalidAnswerException) {
            outliers.answerFailed(backend, result.getFailure());
        } else {
            outliers.connectionLost(backend, result.getFailure());
        }
    }
}
