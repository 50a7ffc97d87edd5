package dev.jlb.web.proxy;

import dev.jlb.web.JsonErrors;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.function.IntConsumer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the client gets when an exchange fails: jlb's JSON error while nothing of the response has
 * gone out, and a response cut off (never framed as complete) once it has.
 */
final class ErrorReplies {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorReplies.class);
    private static final byte[] BAD_GATEWAY = JsonErrors.body("bad gateway: no complete answer from the backend");
    private static final byte[] GATEWAY_TIMEOUT =
            JsonErrors.body("gateway timeout: the backend did not answer in time");
    private static final byte[] TOO_LARGE = JsonErrors.body("request body too large");
    private static final byte[] BAD_REQUEST = JsonErrors.body("bad request");
    private static final byte[] REQUEST_TIMEOUT =
            JsonErrors.body("request timeout: the client did not send its body in time");

    private final boolean onJetty;

    /**
     * @param onJetty whether the container aborts a committed response on {@code sendError} (see {@link ResponseAbort})
     */
    ErrorReplies(boolean onJetty) {
        this.onJetty = onJetty;
    }

    /**
     * Answers the failed exchange with the status.
     *
     * @param call      the failed attempt, or {@code null} if none was made
     * @param container the container's own way (Jetty's proxy: {@code sendError}), for what is not jlb's to write
     */
    void send(
            HttpServletRequest clientRequest,
            HttpServletResponse proxyResponse,
            int status,
            BackendCall call,
            IntConsumer container) {
        UpstreamContent upload = call == null ? null : call.body();
        if (upload != null && !upload.isClientBodyRead() && !proxyResponse.isCommitted()) {
            // Answer once the client has sent its body, or it could not read the answer (see UpstreamContent).
            upload.whenClientBodyRead(() -> send(clientRequest, proxyResponse, status, call, container));
            return;
        }
        if (proxyResponse.isCommitted() && !onJetty) {
            // Never let the container finish a response the backend broke off.
            ResponseAbort.abortByDispatch(clientRequest);
            return;
        }
        byte[] body = body(status);
        // Once the response has begun, Jetty aborts it on sendError: the client never sees it complete.
        if (body == null || proxyResponse.isCommitted() || (call != null && call.hasResponseStarted())) {
            container.accept(status);
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
            LOG.debug("could not send {}", status, e);
            container.accept(status);
        }
    }

    private static byte[] body(int status) {
        return switch (status) {
            case HttpStatus.GATEWAY_TIMEOUT_504 -> GATEWAY_TIMEOUT;
            case HttpStatus.BAD_GATEWAY_502 -> BAD_GATEWAY;
            case HttpStatus.PAYLOAD_TOO_LARGE_413 -> TOO_LARGE;
            case HttpStatus.BAD_REQUEST_400 -> BAD_REQUEST;
            case HttpStatus.REQUEST_TIMEOUT_408 -> REQUEST_TIMEOUT;
            default -> null;
        };
    }
}
