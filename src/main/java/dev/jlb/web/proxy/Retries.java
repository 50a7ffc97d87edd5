package dev.jlb.web.proxy;

import dev.jlb.balancer.Backend;
import dev.jlb.balancer.Balancer;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;

/**
 * Whether a failed attempt goes to another backend, as HAProxy's {@code retries} with
 * {@code option redispatch} and nginx's {@code proxy_next_upstream} do. It does when that is
 * safe: nothing of the response reached the client, the body can be replayed, and either the
 * request never began (no connection) or the method is idempotent and the backend dropped the
 * connection before answering. A timeout is never retried: the backend may still be working.
 */
final class Retries {
    private static final String ATTRIBUTE = Retries.class.getName();

    /** The next attempt: the backend to try and the body to send it, {@code null} without one. */
    record Retry(Backend backend, Request.Content body) {}

    private final Balancer balancer;

    Retries(Balancer balancer) {
        this.balancer = balancer;
    }

    /**
     * The next attempt after this one failed, or {@code null} when the failure is the client's
     * answer.
     *
     * @param serverResponse the backend's response, if it began one
     * @param hasContent     whether the request has a body
     */
    Retry next(
            HttpServletRequest clientRequest,
            HttpServletResponse proxyResponse,
            BackendCall call,
            Response serverResponse,
            Throwable failure,
            boolean hasContent) {
        if (call == null
                || !call.isStarted()
                || call.hasClientFailed()
                || serverResponse != null
                || call.hasResponseStarted()
                || proxyResponse.isCommitted()
                || failure instanceof TimeoutException) {
            return null;
        }
        if (call.hasBegun() && !isIdempotent(clientRequest.getMethod())) {
            return null;
        }
        Tried tried = (Tried) clientRequest.getAttribute(ATTRIBUTE);
        if (tried == null) {
            tried = new Tried(call.backend(), call.body());
            clientRequest.setAttribute(ATTRIBUTE, tried);
        }
        Request.Content body = null;
        if (hasContent) {
            body = tried.body == null ? null : tried.body.replay(clientRequest.getContentType());
            if (body == null) {
                return null;
            }
        }
        if (tried.backends.size() > balancer.config().retry().retries()) {
            return null;
        }
        Backend next = balancer.pool().pickOtherThan(tried.backends, balancer.random());
        if (next == null) {
            return null;
        }
        call.backend().retried();
        tried.backends.add(next);
        return new Retry(next, body);
    }

    /** The backends a request was sent to, and its body as first read, kept across its retries. */
    private static final class Tried {
        private final List<Backend> backends = new ArrayList<>(4);
        private final UpstreamContent body;

        Tried(Backend first, UpstreamContent body) {
            this.backends.add(first);
            this.body = body;
        }
    }

    private static boolean isIdempotent(String method) {
        return switch (method) {
            case "GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE" -> true;
            default -> false;
        };
    }
}
