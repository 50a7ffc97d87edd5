package dev.jlb.web.proxy;

import dev.jlb.web.JsonErrors;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Enumeration;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;

/**
 * The requests the proxy answers itself before a backend is chosen: methods a reverse proxy does
 * not forward, transfer codings it cannot forward as they came, and bodies over the limit. What
 * passes reaches a backend unchanged; what does not reaches none.
 */
final class RequestScreen {
    /** The methods a client may send through the proxy, for {@code Allow}. */
    static final String ALLOWED_METHODS = "GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS";

    /** An answer in place of the backend's. */
    static final class Refusal {
        private final int status;
        private final byte[] body;
        private final boolean close;

        Refusal(int status, byte[] body, boolean close) {
            this.status = status;
            this.body = body;
            this.close = close;
        }

        int status() {
            return status;
        }

        void send(HttpServletResponse response) throws IOException {
            if (status == HttpStatus.METHOD_NOT_ALLOWED_405) {
                response.setHeader("Allow", ALLOWED_METHODS);
            }
            if (close) {
                response.setHeader(HttpHeader.CONNECTION.asString(), "close");
            }
            JsonErrors.send(response, status, body);
        }
    }

    // As nginx does: TRACE would echo credentials back to a script (cross-site tracing).
    private static final Refusal TRACE =
            new Refusal(HttpStatus.METHOD_NOT_ALLOWED_405, JsonErrors.body("TRACE is not allowed"), false);
    // A reverse proxy opens no tunnels; what the client sends next is not HTTP.
    private static final Refusal CONNECT = new Refusal(
            HttpStatus.METHOD_NOT_ALLOWED_405,
            JsonErrors.body("CONNECT is not allowed: this is a reverse proxy"),
            true);
    // RFC 9112, 6.1: a coding the server does not understand. HttpClient would decode the chunked
    // framing and send the rest without saying it is coded: the backend would read other bytes.
    private static final Refusal UNKNOWN_CODING = new Refusal(
            HttpStatus.NOT_IMPLEMENTED_501,
            JsonErrors.body("transfer coding not implemented: only chunked is accepted"),
            true);
    // RFC 9112, 6.3: chunked not last, twice, or nothing at all: the body's length is unknown.
    private static final Refusal BAD_FRAMING = new Refusal(
            HttpStatus.BAD_REQUEST_400,
            JsonErrors.body("bad request: Transfer-Encoding must be chunked, once, and last"),
            true);
    private static final Refusal TOO_LARGE =
            new Refusal(HttpStatus.PAYLOAD_TOO_LARGE_413, JsonErrors.body("request body too large"), true);

    private static final String CHUNKED = "chunked";

    private final long maxBodySize;

    /**
     * @param maxBodySize the largest request body in bytes, or a negative number for no limit
     */
    RequestScreen(long maxBodySize) {
        this.maxBodySize = maxBodySize;
    }

    /** The answer to give instead of proxying, or {@code null} to proxy the request. */
    Refusal screen(HttpServletRequest request) {
        switch (request.getMethod()) {
            case "TRACE" -> {
                return TRACE;
            }
            case "CONNECT" -> {
                return CONNECT;
            }
            default -> {
                // proxied, if the rest is in order
            }
        }
        Refusal coding = transferCodings(request);
        if (coding != null) {
            return coding;
        }
        if (maxBodySize >= 0 && request.getContentLengthLong() > maxBodySize) {
            return TOO_LARGE;
        }
        return null;
    }

    private static Refusal transferCodings(HttpServletRequest request) {
        if (request.getHeader(HttpHeader.TRANSFER_ENCODING.asString()) == null) {
            return null;
        }
        return transferCodings(request.getHeaders(HttpHeader.TRANSFER_ENCODING.asString()));
    }

    /**
     * Refuses every transfer coding list but {@code chunked} alone, from the values of all the
     * request's {@code Transfer-Encoding} fields: 400 when the body's framing is unclear, 501 for
     * a coding before {@code chunked}.
     */
    static Refusal transferCodings(Enumeration<String> values) {
        int chunked = 0;
        boolean other = false;
        boolean afterChunked = false;
        while (values.hasMoreElements()) {
            String value = values.nextElement();
            if (CHUNKED.equalsIgnoreCase(value)) {
                chunked++;
                continue;
            }
            for (String element : value.split(",", -1)) {
                int parameters = element.indexOf(';');
                String coding = (parameters < 0 ? element : element.substring(0, parameters)).strip();
                if (coding.isEmpty()) {
                    continue;
                }
                if (CHUNKED.equalsIgnoreCase(coding)) {
                    chunked++;
                } else {
                    other = true;
                    afterChunked |= chunked > 0;
                }
            }
        }
        if (afterChunked || chunked != 1) {
            return BAD_FRAMING;
        }
        return other ? UNKNOWN_CODING : null;
    }
}
