package dev.jlb.web.proxy;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Ends a response that has begun without framing it as complete, so that a client of a backend
 * that broke off mid-response sees the answer cut off too.
 *
 * <p>The Servlet API has no call for it. Jetty aborts the connection on {@code sendError(-1)}.
 * Elsewhere (Tomcat) the request is dispatched back to the proxy servlet, which throws: a
 * container closes the connection at once when a servlet fails after the response was
 * committed. Tomcat logs its own {@code ClientAbortException} quietly, so that is what is thrown
 * where it exists.
 */
final class ResponseAbort {
    private static final String ATTRIBUTE = ResponseAbort.class.getName();
    private static final String QUIET_ABORT = "org.apache.catalina.connector.ClientAbortException";

    private ResponseAbort() {}

    /** Whether the container aborts a committed response on {@code sendError(-1)} (Jetty does). */
    static boolean containerAbortsOnSendError(String serverInfo) {
        return serverInfo != null
                && serverInfo.toLowerCase(java.util.Locale.ROOT).startsWith("jetty");
    }

    /** Has the response ended by failing the request in a new dispatch. */
    static void abortByDispatch(HttpServletRequest request) {
        request.setAttribute(ATTRIBUTE, true);
        request.getAsyncContext().dispatch();
    }

    /** Throws if this is the dispatch that must end the response. */
    static void throwIfRequested(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (request.getDispatcherType() == DispatcherType.ASYNC && request.getAttribute(ATTRIBUTE) != null) {
            throw failure();
        }
    }

    private static IOException failure() {
        String message = "the backend broke off its response";
        try {
            Class<?> quiet = Class.forName(QUIET_ABORT, true, ResponseAbort.class.getClassLoader());
            return (IOException) quiet.getConstructor(String.class).newInstance(message);
        } catch (ReflectiveOperationException | ClassCastException | LinkageError notTomcat) {
            return new IOException(message);
        }
    }
}
