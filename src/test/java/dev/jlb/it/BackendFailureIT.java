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

/** What the client gets when backends fail, and that the balancer counts it right and keeps serving. */
class BackendFailureIT {
    @Test
    void noHealthyBackendGives503WithAJsonError() throws Exception {
        try (Backends backends = Backends.start(2);
                RunningBalancer balancer = RunningBalancer.inFrontOf(backends.all(), Map.of())) {
            backends.all().forEach(b -> b.setHealthy(false));
            await().until(() -> balancer.health().getInt("healthy_backends") == 0);

            HttpResponse<String> response = Http.get(balancer.uri("/anything"));
            assertEquals(503, response.statusCode());
            assertEquals(
                    "application/json",
                    response.headers().firstValue("Content-Type").orElseThrow());
            assertFalse(json(response).getString("error").isBlank());
            assertEquals(0, backends.totalRequests());

            HttpResponse<String> health = Http.get(balancer.uri("/lb-health"));
            assertEquals(503, health.statusCode());
            assertEquals("down", json(health).getString("status"));
            assertEquals(0, balancer.stats().getJsonNumber("total_requests").longValue());
        }
    }

    @Test
    void anUnreachableBackendGives502AndCountsAFailure() throws Exception {
        try (Backends backends = Backends.start(1);
                RunningBalancer balancer =
                        RunningBalancer.inFrontOf(backends.all(), Map.of("healthCheckInterval", "3600"))) {
            TestServer backend = backends.get(0);
            await().until(() -> !balancer.backendStats(backend).isNull("last_health_check"));
            backend.stop();

            HttpResponse<String> response = Http.get(balancer.uri("/"));
            assertEquals(502, response.statusCode());
            assertEquals(
                    "application/json",
                    response.headers().firstValue("Content-Type").orElseThrow());
            assertFalse(json(response).getString("error").isBlank());
            await().until(() -> balancer.backendStats(backend).getInt("failures") == 1);
            assertEquals(0, balancer.backendStats(backend).getInt("connections"));
            assertEquals(1, balancer.backendStats(backend).getInt("requests"));
        }
    }

    @Test
    void aBackendThatDoesNotAnswerInTimeGives504() throws Exception {
        try (Backends backends = Backends.start(1);
                RunningBalancer balancer = RunningBalancer.inFrontOf(backends.all(), Map.of("backendTimeout", "1"))) {
            TestServer backend = backends.get(0);
            long start = System.nanoTime();
            HttpResponse<String> response = Http.get(balancer.uri("/slow?delay_ms=20000"));
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            assertEquals(504, response.statusCode());
            assertFalse(json(response).getString("error").isBlank());
            assertTrue(waited.compareTo(Duration.ofMillis(900)) >= 0, waited.toString());
            assertTrue(waited.compareTo(Duration.ofSeconds(10)) < 0, waited.toString());
            await().until(() -> balancer.backendStats(backend).getInt("connections") == 0);
            assertEquals(1, balancer.backendStats(backend).getInt("failures"));
            assertEquals(200, Http.get(balancer.uri("/after")).statusCode());
        }
    }

    @Test
    void theBackendTimeoutIsBetweenChunksNotForTheWholeResponse() throws Exception {
        try (Backends backends = Backends.start(1);
                RunningBalancer balancer = RunningBalancer.inFrontOf(backends.all(), Map.of("backendTimeout", "1"))) {
            // Six chunks 400 ms apart: 2 s in all, but never 1 s of silence.
            HttpResponse<String> response = Http.get(balancer.uri("/stream?chunks=6&chunk_interval_ms=400"));
            assertEquals(200, response.statusCode());
            assertTrue(response.body().contains("chunk 6 of 6"), response.body());
        }
    }

    @Test
    void aBackendBreakingOffMidResponseCutsTheClientsResponseToo() throws Exception {
        try (Backends backends = Backends.start(1);
                RunningBalancer balancer = RunningBalancer.inFrontOf(backends.all(), Map.of())) {
            TestServer backend = backends.get(0);
            ContainerChecks.cutsOffABrokenResponse(balancer.port());
            await().until(() -> balancer.backendStats(backend).getInt("failures") == 2);
            assertEquals(0, balancer.backendStats(backend).getInt("connections"));
            assertEquals(200, Http.get(balancer.uri("/after")).statusCode());
        }
    }

    @Test
    void statsAreNullBeforeTheFirstHealthCheckHasAnswered() throws Exception {
        try (SilentBackend silent = new SilentBackend();
                RunningBalancer balancer =
                        RunningBalancer.start(Map.of("backends", silent.name(), "healthCheckTimeout", "60"))) {
            JsonObject backend = balancer.stats().getJsonArray("backends").getJsonObject(0);
            assertTrue(backend.isNull("last_health_check"), backend.toString());
            assertTrue(backend.isNull("response_time_ms"), backend.toString());
            assertTrue(backend.isNull("latency_ms"), backend.toString());
            JsonObject health = balancer.health().getJsonArray("backends").getJsonObject(0);
            assertTrue(health.isNull("response_time_ms"), health.toString());
        }
    }
}
