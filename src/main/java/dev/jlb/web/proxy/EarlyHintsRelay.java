package dev.jlb.web.proxy;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.function.BiConsumer;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passes a backend's {@code 103 Early Hints} on to the client, where the container can send
 * one: Jetty writes a 103 with the response's headers on {@code sendError(103)}; elsewhere
 * (Tomcat would take it for an error) it is dropped, as are other 1xx. Only its {@code Link}
 * headers go, and they are taken off the response again before the final answer's are copied.
 * The write blocks a client thread until the few bytes are sent, which a 103 (rare, first on
 * its response) can afford.
 */
final class EarlyHintsRelay implements BiConsumer<Request, HttpFields> {
    private static final Logger LOG = LoggerFactory.getLogger(EarlyHintsRelay.class);

    private final String clientRequestAttribute;
    private final boolean onJetty;

    /**
     * @param clientRequestAttribute the proxy request's attribute that holds the client's request
     * @param onJetty                whether the container is Jetty
     */
    EarlyHintsRelay(String clientRequestAttribute, boolean onJetty) {
        this.clientRequestAttribute = clientRequestAttribute;
        this.onJetty = onJetty;
    }

    @Override
    public void accept(Request proxyRequest, HttpFields hints) {
        if (!onJetty || !hints.contains(HttpHeader.LINK)) {
            return;
        }
        HttpServletRequest clientRequest =
                (HttpServletRequest) proxyRequest.getAttributes().get(clientRequestAttribute);
        // RFC 9110, 15.2: no 1xx to an HTTP/1.0 client.
        if (clientRequest == null
                || "HTTP/1.0".equals(clientRequest.getProtocol())
                || !clientRequest.isAsyncStarted()) {
            return;
        }
        HttpServletResponse proxyResponse =
                (HttpServletResponse) clientRequest.getAsyncContext().getResponse();
        if (proxyResponse.isCommitted()) {
            return;
        }
        try {
            for (HttpField link : hints.getFields(HttpHeader.LINK)) {
                proxyResponse.addHeader(HttpHeader.LINK.asString(), link.getValue());
            }
            proxyResponse.sendError(HttpStatus.EARLY_HINTS_103);
        } catch (IOException | RuntimeException e) {
            LOG.debug("could not relay 103 Early Hints", e);
        } finally {
            proxyResponse.setHeader(HttpHeader.LINK.asString(), null);
        }
    }
}
