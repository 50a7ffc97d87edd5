package dev.jlb.web.ops;

import dev.jlb.web.JsonErrors;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * {@code /lb-dashboard}: a page that polls {@code /lb-stats}, served from the WAR with nothing
 * loaded from anywhere else (its Content-Security-Policy says so too).
 */
public final class DashboardServlet extends ReadOnlyServlet {
    private static final String DIRECTORY = "/WEB-INF/dashboard/";
    private static final Map<String, String> CONTENT_TYPES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "app.js", "text/javascript; charset=utf-8",
            "style.css", "text/css; charset=utf-8");
    private static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';"
            + " img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private static final byte[] NOT_FOUND = JsonErrors.body("not found");

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo();
        if ("/".equals(path)) {
            // The page fetches lb-stats relative to /lb-dashboard; from /lb-dashboard/ that would miss.
            response.sendRedirect("../lb-dashboard");
            return;
        }
        String file = path == null ? "index.html" : path.substring(1);
        String contentType = CONTENT_TYPES.get(file);
        InputStream in = contentType == null ? null : getServletContext().getResourceAsStream(DIRECTORY + file);
        if (in == null) {
            JsonErrors.send(response, HttpServletResponse.SC_NOT_FOUND, NOT_FOUND);
            return;
        }
        try (in) {
            byte[] bytes = in.readAllBytes();
            response.setContentType(contentType);
            response.setHeader("Cache-Control", "no-cache");
            response.setHeader("Content-Security-Policy", POLICY);
            response.setHeader("X-Content-Type-Options", "nosniff");
            response.setContentLength(bytes.length);
            response.getOutputStream().write(bytes);
        }
    }
}
