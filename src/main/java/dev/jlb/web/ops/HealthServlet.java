package dev.jlb.web.ops;

import dev.jlb.balancer.Backend;
import dev.jlb.balancer.Balancer;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;

/** {@code /lb-health}: 200 while at least one backend is healthy, 503 when none is. */
public final class HealthServlet extends ReadOnlyJsonServlet {
    @JsonbPropertyOrder({"status", "healthyBackends", "totalBackends", "backends"})
    public record HealthReport(String status, int healthyBackends, int totalBackends, List<BackendHealth> backends) {}

    @JsonbPropertyOrder({"address", "healthy", "connections", "responseTimeMs"})
    public record BackendHealth(String address, boolean healthy, int connections, Long responseTimeMs) {}

    @Override
    Answer answer(Balancer balancer) {
        List<Backend> backends = balancer.pool().backends();
        List<BackendHealth> health = backends.stream()
                .map(b -> new BackendHealth(
                        b.authority(), BackendViews.healthy(b), b.inFlight(), BackendViews.responseTimeMillis(b)))
                .toList();
        int healthy = (int) health.stream().filter(BackendHealth::healthy).count();
        String status = healthy == backends.size() ? "ok" : healthy == 0 ? "down" : "degraded";
        return new Answer(
                healthy == 0 ? HttpServletResponse.SC_SERVICE_UNAVAILABLE : HttpServletResponse.SC_OK,
                new HealthReport(status, healthy, backends.size(), health));
    }
}
