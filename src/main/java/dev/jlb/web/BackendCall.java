package dev.jlb.web;

import dev.jlb.backend.Backend;
import dev.jlb.backend.Balancer;

import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;

/**
 * One attempt to have a backend answer a client request. It holds the backend's in-flight count
 * from the moment the request is sent until HttpClient reports the exchange complete, which it
 * does exactly once whatever happened (answer, connect failure, timeout, reset, client abort).
 */
final class BackendCall implements Response.CompleteListener {
    private final Backend backend;
    private final Balancer balancer;
    private final long startNanos;
    private volatile boolean clientFailed;
    private volatile boolean responseStarted;

    BackendCall(Backend backend, Balancer balancer) {
        this.backend = backend;
        this.balancer = balancer;
        this.startNanos = balancer.nanoTime();
        backend.requestStarted();
    }

    Backend backend() {
        return backend;
    }

    /** The backend's response headers arrived. */
    void responseHeadersReceived() {
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

    @Override
    public void onComplete(Result result) {
        backend.requestEnded(result.isFailed() && !clientFailed);
    }
}
