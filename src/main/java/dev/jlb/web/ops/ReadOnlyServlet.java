package dev.jlb.web.ops;

import dev.jlb.balancer.Balancer;
import dev.jlb.web.JsonErrors;
import jakarta.servlet.ServletException;
import jakarta.servlet.UnavailableException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** One of jlb's own read-only endpoints: GET and HEAD, any other method gets 405 with {@code Allow}. */
abstract class ReadOnlyServlet extends HttpServlet {
    private static final String ALLOWED = "GET, HEAD";
    private static final byte[] METHOD_NOT_ALLOWED = JsonErrors.body("method not allowed; use GET or HEAD");

    private transient Balancer balancer;

    @Override
    public void init() throws ServletException {
        balancer = (Balancer) getServletContext().getAttribute(Balancer.ATTRIBUTE);
        if (balancer == null) {
            throw new UnavailableException("jlb did not start; the log says why");
        }
    }

    Balancer balancer() {
        return balancer;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        String method = request.getMethod();
        if ("GET".equals(method) || "HEAD".equals(method)) {
            super.service(request, response);
        } else {
            response.setHeader("Allow", ALLOWED);
            JsonErrors.send(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED, METHOD_NOT_ALLOWED);
        }
    }
}
