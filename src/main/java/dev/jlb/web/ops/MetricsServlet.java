package dev.jlb.web.ops;

import dev.jlb.metrics.BalancerMetrics;
import dev.jlb.web.JsonErrors;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/** {@code /lb-metrics}: Prometheus text exposition, version 0.0.4. */
public final class MetricsServlet extends ReadOnlyServlet {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final PrometheusTextFormatWriter WRITER = PrometheusTextFormatWriter.create();
    private static final byte[] NOT_FOUND = JsonErrors.body("not found");

    private transient BalancerMetrics metrics;

    @Override
    public void init() throws jakarta.servlet.ServletException {
        super.init();
        metrics = (BalancerMetrics) getServletContext().getAttribute(BalancerMetrics.ATTRIBUTE);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (request.getPathInfo() != null) {
            JsonErrors.send(response, HttpServletResponse.SC_NOT_FOUND, NOT_FOUND);
            return;
        }
        ByteArrayOutputStream text = new ByteArrayOutputStream(16384);
        WRITER.write(text, metrics.scrape(), EscapingScheme.UNDERSCORE_ESCAPING);
        response.setContentType(CONTENT_TYPE);
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(text.size());
        text.writeTo(response.getOutputStream());
    }
}
