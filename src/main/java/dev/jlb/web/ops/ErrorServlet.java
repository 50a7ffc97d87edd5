package dev.jlb.web.ops;

import dev.jlb.text.ErrorMessages;
import dev.jlb.web.JsonErrors;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The webapp's one error page ({@code <error-page>} in {@code web.xml}, for every status and
 * exception): whatever error the container reports inside jlb (a path under {@code /WEB-INF/},
 * an exception that escaped a servlet) is answered with jlb's JSON error, in any container,
 * instead of the container's error page with its stack trace.
 *
 * <p>It is mapped under {@code /WEB-INF/}, which containers never serve to a client, so that it
 * is reached only by the container's error dispatch.
 */
public final class ErrorServlet extends HttpServlet {
    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (request.getDispatcherType() != DispatcherType.ERROR) {
            JsonErrors.send(response, HttpServletResponse.SC_NOT_FOUND, JsonErrors.body("not found"));
            return;
        }
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status =
                code instanceof Integer given && given >= 400 ? given : HttpServletResponse.SC_INTERNAL_SERVER_ERROR;
        String message = ErrorMessages.messageFor(
                status,
                (String) request.getAttribute(RequestDispatcher.ERROR_MESSAGE),
                request.getAttribute(RequestDispatcher.ERROR_EXCEPTION) != null);
        if (response.isCommitted()) {
            return;
        }
        JsonErrors.send(response, status, JsonErrors.body(message));
    }
}
