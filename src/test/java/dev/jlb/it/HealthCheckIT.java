package dev.jlb.it;

import static dev.jlb.it.RunningBalancer.json;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jlb.testserver.TestServer;
import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The contract's "Health checking" section: a failing backend is out within two intervals plus the
 * check timeout, a recovered one back within two intervals, and no check waits for another.
 */
class HealthCheckIT {
    private static final double INTERVAL = 0.5;
    private static final double TIMEOUT = 0.5;
    /** Scheduling slack on a busy two-core machine, on top of the contract's window. */
    private static final Duration SLACK = Duration.ofMillis(400);

    private static final Duration OUT_WITHIN = seconds(2 * INTERVAL + TIMEOUT).plus(SLACK);
    private static final Duration BACK_WITHIN = seconds(2 * INTERVAL).plus(SLACK);
    private static final Map<String, String> CHECKS =
            Map.of("healthCheckInterval", String.valueOf(INTERVAL), "healthCheckTimeout", String.valueOf(TIMEOUT));

    private static Duration seconds(double seconds) {
        return Duration.ofMillis((long) (seconds * 1000));
    }

    private static boolean healthy(RunningBalancer balancer, String address) {
        return balancer.health().getJsonArray("backends").stream()
                .map(b -> b.asJsonObject())
                .filter(b -> b.getString("address").equals(address))
                .findFirst()
                .orElseThrow()
                .getBoolean("healthy");
    }

    @Test
    void aBackendFailingItsHealthCheckIsTakenOutAndBroughtBackWhenItPasses() throws Exception {
        try (Backends backends = Backends.start(3);
                RunningBalancer balancer = RunningBalancer.inFrontOf(backends.all(), CHECKS)) {
            TestServer failing = backends.get(1);
            await().until(() -> !balancer.backendStats(failing).isNull("last_health_check"));

            failing.setHealthy(false);
            await().atMost(OUT_WITHIN).until(() -> !healthy(balancer, failing.name()));
            assertEquals("health_check", balancer.backendStats(failing).getString("out_reason"));
            JsonObject health = balancer.health();
            assertEquals("degraded", health.getString("status"));
            assertEquals(2, health.getInt("healthy_backends"));
            assertEquals(3, health.getInt("total_backends"));

            long before = failing.requests();
            for (int i = 0; i < 30; i++) {
                HttpResponse<String> response = Http.get(balancer.uri("/"));
                assertEquals(200, response.statusCode());
                assertFalse(json(response).getString("server").equals(failing.name()));
            }
            assertEquals(before, failing.requests());

            failing.setHealthy(true);
            await().atMost(BACK_WITHIN).until(() -> healthy(balancer, failing.name()));
            assertEquals("ok", balancer.health().getString("status"));
            assertTrue(balancer.backendStats(failing).isNull("out_reason"));
            for (int i = 0; i < 3; i++) {
                Http.get(balancer.uri("/"));
            }
            assertEquals(before + 1, failing.requests());
        }
    }

    @Test
    void aKilledBackendIsTakenOutAndComesBackWhenRestarted() throws Exception {
        try (Backends backends = Backends.start(2);
                RunningBalancer balancer = RunningBalancer.inFrontOf(backends.all(), CHECKS)) {
            TestServer victim = backends.get(0);
            victim.stop();
            await().atMost(OUT_WITHIN).until(() -> !healthy(balancer, victim.name()));
            for (int i = 0; i < 10; i++) {
                assertEquals(200, Http.get(balancer.uri("/")).statusCode());
            }
            victim.start();
            await().atMost(BACK_WITHIN).until(() -> healthy(balancer, victim.name()));
            long before = victim.requests();
            for (int i = 0; i < 4; i++) {
                assertEquals(200, Http.get(balancer.uri("/")).statusCode());
            }
            assertEquals(before + 2, victim.requests());
        }
    }

    @Test
    void aHungBackendFailsByTimeoutAndDoesNotStallTheOtherChecks() throws Exception {
        try (SilentBackend hung = new SilentBackend();
                Backends backends = Backends.start(1);
                RunningBalancer balancer = RunningBalancer.start(Map.of(
                        "backends",
                        hung.name() + "," + backends.get(0).name(),
                        "healthCheckInterval",
                        String.valueOf(INTERVAL),
                        "healthCheckTimeout",
                        "1.5"))) {
            TestServer live = backends.get(0);
            await().atMost(seconds(INTERVAL + 1.5).plus(SLACK)).until(() -> !healthy(balancer, hung.name()));
            // Checks of the live backend go on at every interval although the hung one's take 1.5 s each.
            long checks = live.healthChecks();
            await().atMost(seconds(3 * INTERVAL).plus(SLACK)).until(() -> live.healthChecks() >= checks + 2);
            live.setHealthy(false);
            await().atMost(OUT_WITHIN).until(() -> !healthy(balancer, live.name()));
            assertEquals(503, Http.get(balancer.uri("/")).statusCode());
        }
    }

    @Test
    void checksUseTheConfiguredPathAndPassOnlyOn2xx() throws Exception {
        try (Backends backends = Backends.start(2);
                RunningBalancer balancer = RunningBalancer.start(Map.of(
                        "backends",
                        backends.get(0).name() + "," + backends.get(1).name(),
                        "healthCheckPath",
                        "/status-check?status=302"))) {
            await().until(() -> balancer.health().getInt("healthy_backends") == 0);
            assertEquals(0, backends.get(0).healthChecks());
            assertTrue(backends.get(0).requests() > 0);
            assertEquals("down", balancer.health().getString("status"));
        }
    }

    @Test
    void lastHealthCheckAndResponseTimeAreKept() throws Exception {
        try (Backends backends = Backends.start(1);
                RunningBalancer balancer =
                        RunningBalancer.inFrontOf(backends.all(), Map.of("healthCheckInterval", "1"))) {
            TestServer backend = backends.get(0);
            await().until(() -> !balancer.backendStats(backend).isNull("last_health_check"));
            JsonObject stats = balancer.backendStats(backend);
            assertTrue(stats.getInt("last_health_check") <= 1, stats.toString());
            assertTrue(stats.getInt("response_time_ms") >= 0, stats.toString());
            assertEquals(
                    stats.getInt("response_time_ms"),
                    balancer.health().getJsonArray("backends").getJsonObject(0).getInt("response_time_ms"));
        }
    }
}
