package dev.jlb.web;

import dev.jlb.Balancer;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.bind.config.PropertyNamingStrategy;
import jakarta.servlet.ServletException;
import jakarta.servlet.UnavailableException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A monitoring endpoint: answers GET and HEAD with a JSON document, any other method with 405.
 */
abstract class ReadOnlyJsonServlet extends HttpServlet {
    private static final String ALLOWED = "GET, HEAD";
    private static final byte[] METHOD_NOT_ALLOWED = JsonErrors.body("method not allowed; use GET or HEAD");

    private transient Balancer balancer;
    private transient Jsonb jsonb;

    @Override
    public void init() throws ServletException {
        balancer = (Balancer) getServletContext().getAttribute(Balancer.ATTRIBUTE);
        if (balancer == null) {
            throw new UnavailableException("jlb did not start; the log says why");
        }
        jsonb = JsonbBuilder.create(new JsonbConfig()
            .withNullValues(true)
            .withPropertyNamingStrategy(PropertyNamingStrategy.LOWER_CASE_WITH_UNDERSCORES));
    }

    @Override
    public void destroy() {
        try {
            jsonb.close();
        } catch (Exception e) {
            log("closing JSON-B failed", e);
        }
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

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Answer answer = answer(balancer);
        byte[] body = (jsonb.toJson(answer.document()) + "\n").getBytes(StandardCharsets.UTF_8);
        response.setStatus(answer.status());
        response.setContentType(JsonErrors.CONTENT_TYPE);
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** A status and the document to send with it. */
    record Answer(int status, Object document) {
    }

    abstract Answer answer(Balancer balancer);
}
