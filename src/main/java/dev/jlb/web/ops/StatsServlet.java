package dev.jlb.web.ops;

import dev.jlb.balancer.Backend;
import dev.jlb.balancer.Balancer;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import jakarta.servlet.http.HttpServletResponse;
import java.math.BigDecimal;
import java.util.List;

/** {@code /lb-stats}: the algorithm, uptime, request totals and every backend's figures. */
public final class StatsServlet extends ReadOnlyJsonServlet {
    /**
     * The answer.
     *
     * @param configError why the {@code configFile} as it is now was not applied, or {@code null}
     */
    @JsonbPropertyOrder({"algorithm", "sticky", "uptimeSeconds", "totalRequests", "configError", "backends"})
    public record Stats(
            String algorithm,
            String sticky,
            long uptimeSeconds,
            long totalRequests,
            String configError,
            List<BackendStats> backends) {}

    @JsonbPropertyOrder({
        "address",
        "healthy",
        "state",
        "connections",
        "weight",
        "effectiveWeight",
        "route",
        "responseTimeMs",
        "lastHealthCheck",
        "requests",
        "failures",
        "latencyMs",
        "outReason",
        "retries",
        "websockets",
        "source"
    })
    public record BackendStats(
            String address,
            boolean healthy,
            String state,
            int connections,
            int weight,
            BigDecimal effectiveWeight,
            String route,
            Long responseTimeMs,
            Long lastHealthCheck,
            long requests,
            long failures,
            Long latencyMs,
            String outReason,
            long retries,
            int websockets,
            String source) {}

    @Override
    Answer answer(Balancer balancer) {
        long now = balancer.nanoTime();
        List<BackendStats> backends =
                balancer.pool().backends().stream().map(b -> stats(b, now)).toList();
        return new Answer(
                HttpServletResponse.SC_OK,
                new Stats(
                        balancer.pool().algorithm().name().configName(),
                        balancer.config().balancing().sticky().configName(),
                        balancer.uptimeSeconds(),
                        balancer.proxiedRequests(),
                        balancer.configReloads().error(),
                        backends));
    }

    static BackendStats stats(Backend backend, long nowNanos) {
        long latency = backend.latencyMillis(nowNanos);
        return new BackendStats(
                backend.authority(),
                BackendViews.healthy(backend),
                backend.stateName(),
                backend.inFlight(),
                backend.weight(),
                backend.effectiveWeight(),
                backend.route(),
                BackendViews.responseTimeMillis(backend),
                BackendViews.secondsSinceLastCheck(backend, nowNanos),
                backend.requests(),
                backend.failures(),
                latency < 0 ? null : latency,
                backend.outReason(),
                backend.retries(),
                backend.websockets(),
                backend.source());
    }
}
