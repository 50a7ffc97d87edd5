package dev.jlb.it;

import static dev.jlb.it.RunningBalancer.json;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jlb.testserver.TestServer;
import jakarta.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Retries on another backend: always when nothing was sent, for idempotent methods also when the
 * backend dropped the connection before answering, never for a POST the backend may have received.
 */
class RetryIT {
    /** Active checks that will not run again during a test: only live traffic finds the faults. */
    private static final Map<String, String> NO_MORE_CHECKS = Map.of("healthCheckInterval", "3600");

    private static HttpResponse<String> post(RunningBalancer balancer, String path, byte[] body) {
        return Http.send(HttpRequest.newBuilder(balancer.uri(path))
                .timeout(Http.TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build());
    }

    private static void awaitFirstChecks(RunningBalancer balancer) {
        await().until(() -> balancer.stats().getJsonArray("backends").stream()
                .noneMatch(b -> b.asJsonObject().isNull("last_health_check")));
    }

    @Test
    void aRefusedConnectionIsRetriedElsewhereAndEjectsTheBackendAtOnce() throws Exception {
        try (Backends backends = Backends.start(3);
                RunningBalancer balancer = RunningBalancer.inFrontOf(backends.all(), NO_MORE_CHECKS)) {
            awaitFirstChecks(balancer);
            TestServer dead = backends.get(1);
            dead.stop();
            for (int i = 0; i < 12; i++) {
                HttpResponse<String> response = Http.get(balancer.uri("/item/" + i));
                assertEquals(200, response.statusCode());
                assertTrue(!json(response).getString("server").equals(dead.name()));
            }
            JsonObject stats = balancer.backendStats(dead);
            assertEquals(1, stats.getInt("requests"), stats.toString());
            assertEquals(1, stats.getInt("retries"), stats.toString());
            assertEquals(1, stats.getInt("failures"), stats.toString());
            assertEquals("ejected", stats.getString("out_reason"));
            assertEquals(false, stats.getBoolean("healthy"));
            assertEquals(12, balancer.stats().getInt("total_requests"));
            assertEquals(12, backends.get(0).requests() + backends.get(2).requests());
        }
    }

    @Test
    void aSmallPostBodyIsReplayedToAnotherBackendWhenTheFirstCannotBeReached() throws Exception {
        try (Backends backends = Backends.start(2);
                RunningBalancer balancer = RunningBalancer.inFrontOf(backends.all(), NO_MORE_CHECKS)) {
            awaitFirstChecks(balancer);
            backends.get(0).stop();
            byte[] body = new byte[40_000];
            new Random(3).nextBytes(body);
            for (int i = 0; i < 2; i++) {
                HttpResponse<String> response = post(balancer, "/orders", body);
                assertEquals(200, response.statusCode());
                assertEquals(backends.get(1).name(), json(response).getString("server"));
                assertEquals(body.length, json(response).getInt("body_bytes"));
                assertEquals(ProxyIT.sha256(body), json(response).getString("body_sha256"));
            }
            assertEquals(2, backends.get(1).requests());
        }
    }

    @Test
    void aBodyLargerThanTheRetryBufferIsNotReplayed() throws Exception {
        try (Backends backends = Backends.start(2);
                RunningBalancer balancer = RunningBalancer.inFrontOf(
                        backends.all(),
                        Map.of("healthCheckInterval", "3600", "retryBufferSize", "1024", "algorithm", "round_robin"))) {
            awaitFirstChecks(balancer);
            backends.get(0).stop();
            int answered = 0;
            int refused = 0;
            for (int i = 0; i < 2; i++) {
                int status = post(balancer, "/upload", new byte[300_000]).statusCode();
                if (status == 200) {
                    answered++;
                } else {
                    assertEquals(502, status);
                    refused++;
                }
            }
            // Round robin sends one of the two to the dead backend first; its body cannot be replayed.
            assertEquals(1, answered);
            assertEquals(1, refused);
            assertEquals(1, backends.get(1).requests());
        }
    }

    @Test
    void anUploadWaitingForContinueGets502AtOnceWhenItsBackendCannotBeReached() throws Exception {
        try (Backends backends = Backends.start(1);
                RunningBalancer balancer = RunningBalancer.inFrontOf(backends.all(), NO_MORE_CHECKS)) {
            awaitFirstChecks(balancer);
            backends.get(0).stop();
            // The client sends its body only once told to continue; nobody will tell it.
            String answer = Http.raw(
                    balancer.port(),
                    "POST /upload HTTP/1.1\r\nHost: lb\r\nContent-Length: 300000\r\n"
                            + "Expect: 100-continue\r\nConnection: close\r\n\r\n");
            assertTrue(answer.startsWith("HTTP/1.1 502"), answer);
        }
    }

    @Test
    void anIdempotentRequestIsRetriedWhenTheBackendDropsTheConnectionButAPostIsNot() throws Exception {
        try (Backends backends = Backends.start(2);
                RunningBalancer balancer = RunningBalancer.inFrontOf(backends.all(), NO_MORE_CHECKS)) {
            awaitFirstChecks(balancer);
            // Both backends drop every ?drop=1 request, so a retried GET fails on both: 502 after two attempts.
            HttpResponse<String> get = Http.get(balancer.uri("/?drop=1"));
            assertEquals(502, get.statusCode());
            assertEquals(2, backends.totalRequests());
            HttpResponse<String> put = Http.send(HttpRequest.newBuilder(balancer.uri("/?drop=1"))
                    .timeout(Http.TIMEOUT)
                    .PUT(HttpRequest.BodyPublishers.ofString("{}"))
                    .build());
            assertEquals(502, put.statusCode());
            assertEquals(4, backends.totalRequests());
            HttpResponse<String> postResponse =
                    post(balancer, "/?drop=1", "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertEquals(502, postResponse.statusCode());
            assertEquals(5, backends.totalRequests(), "a POST the backend received must not be sent again");
            await().until(() -> balancer.connectionsInFlight() == 0);
        }
    }

    @Test
    void anIdempotentRequestDroppedByOneBackendIsAnsweredByAnother() throws Exception {
        try (Backends backends = Backends.start(2);
                RunningBalancer balancer = RunningBalancer.inFrontOf(backends.all(), NO_MORE_CHECKS)) {
            awaitFirstChecks(balancer);
            TestServer dropping = backends.get(0);
            dropping.dropEveryRequest(true);
            for (int i = 0; i < 4; i++) {
                HttpResponse<String> response = Http.get(balancer.uri("/" + i));
                assertEquals(200, response.statusCode());
                assertEquals(backends.get(1).name(), json(response).getString("server"));
            }
            assertEquals(2, dropping.requests());
            assertEquals(2, balancer.backendStats(dropping).getInt("retries"));
            assertEquals(4, backends.get(1).requests());
        }
    }

    @Test
    void aConnectTimeoutIsRetriedElsewhere() throws Exception {
        try (BlackholeBackend blackhole = new BlackholeBackend();
                Backends backends = Backends.start(1);
                RunningBalancer balancer = RunningBalancer.start(Map.of(
                        "backends",
                        blackhole.name() + "," + backends.get(0).name(),
                        "healthCheckInterval",
                        "3600",
                        "healthCheckTimeout",
                        "120",
                        "connectTimeout",
                        "0.5"))) {
            await().until(() -> !balancer.backendStats(backends.get(0)).isNull("last_health_check"));
            for (int i = 0; i < 4; i++) {
                HttpResponse<String> response = Http.get(balancer.uri("/"));
                assertEquals(200, response.statusCode());
                assertEquals(backends.get(0).name(), json(response).getString("server"));
            }
            JsonObject hole = balancer.stats().getJsonArray("backends").getJsonObject(0);
            assertEquals(1, hole.getInt("retries"), hole.toString());
            assertEquals("ejected", hole.getString("out_reason"), hole.toString());
        }
    }

    @Test
    void retriesAreBoundedAndThenTheClientGets502() throws Exception {
        try (Backends backends = Backends.start(4);
                RunningBalancer balancer = RunningBalancer.inFrontOf(backends.all(), NO_MORE_CHECKS)) {
            awaitFirstChecks(balancer);
            for (TestServer backend : backends.all()) {
                backend.stop();
            }
            HttpResponse<String> response = Http.get(balancer.uri("/"));
            assertEquals(502, response.statusCode());
            JsonObject stats = balancer.stats();
            long attempts = stats.getJsonArray("backends").stream()
                    .mapToLong(b -> b.asJsonObject().getInt("requests"))
                    .sum();
            long retries = stats.getJsonArray("backends").stream()
                    .mapToLong(b -> b.asJsonObject().getInt("retries"))
                    .sum();
            assertEquals(3, attempts, "one attempt and the two retries of the default");
            assertEquals(2, retries);
            assertEquals(1, stats.getInt("total_requests"));
            List<String> reasons = stats.getJsonArray("backends").stream()
                    .filter(b -> b.asJsonObject().getInt("requests") == 1)
                    .map(b -> b.asJsonObject().getString("out_reason"))
                    .toList();
            assertEquals(List.of("ejected", "ejected", "ejected"), reasons);
        }
    }
}
