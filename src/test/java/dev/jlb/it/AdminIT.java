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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** /lb-admin: every call and every refusal of the contract, and what they do to the traffic. */
class AdminIT {
    private static final String TOKEN = "t0ken-for-tests";

    private static RunningBalancer start(Backends backends, Map<String, String> more) throws Exception {
        Map<String, String> options =
                new java.util.HashMap<>(Map.of("adminToken", TOKEN, "healthCheckInterval", "0.2"));
        options.putAll(more);
        return RunningBalancer.inFrontOf(backends.all(), options);
    }

    private static void assertJsonError(HttpResponse<String> response, int status) {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
        assertFalse(json(response).getString("error").isBlank());
    }

    @Test
    void isOffWithoutAToken() throws Exception {
        try (Backends backends = Backends.start(1);
                RunningBalancer balancer = RunningBalancer.inFrontOf(backends.all(), Map.of("adminToken", ""))) {
            for (String path :
                    List.of("/backends", "/backends/" + backends.get(0).name(), "", "/anything")) {
                assertJsonError(new Admin(balancer, "whatever").get(path), 404);
            }
            assertJsonError(new Admin(balancer, null).post("/backends", "{}"), 404);
            assertEquals(0, backends.totalRequests());
        }
    }

    @Test
    void refusesCallsWithoutTheRightBearerToken() throws Exception {
        try (Backends backends = Backends.start(1);
                RunningBalancer balancer = start(backends, Map.of())) {
            var uri = balancer.uri("/lb-admin/backends");
            for (String authorization : new String[] {null, "Basic dXNlcjpwYXNz", "Bearer", "t0ken-for-tests"}) {
                HttpResponse<String> response = Admin.withAuthorization(uri, authorization);
                assertJsonError(response, 401);
                assertTrue(response.headers()
                        .firstValue("WWW-Authenticate")
                        .orElseThrow()
                        .startsWith("Bearer"));
            }
            assertJsonError(Admin.withAuthorization(uri, "Bearer wrong"), 403);
            assertJsonError(Admin.withAuthorization(uri, "Bearer " + TOKEN + "x"), 403);
            assertEquals(200, Admin.withAuthorization(uri, "Bearer " + TOKEN).statusCode());
            assertEquals(200, Admin.withAuthorization(uri, "bearer " + TOKEN).statusCode());
        }
    }

    @Test
    void listsBackendsWithTheStatsFields() throws Exception {
        try (Backends backends = Backends.start(2);
                RunningBalancer balancer = start(backends, Map.of())) {
            HttpResponse<String> response = new Admin(balancer, TOKEN).get("/backends");
            assertEquals(200, response.statusCode());
            var listed = json(response).getJsonArray("backends");
            assertEquals(2, listed.size());
            assertEquals(
                    balancer.stats().getJsonArray("backends").getJsonObject(0).keySet(),
                    listed.getJsonObject(0).keySet());
        }
    }

    @Test
    void anAddedBackendTakesTrafficOnceItsHealthCheckPasses() throws Exception {
        try (Backends backends = Backends.start(2);
                TestServer extra = new TestServer("127.0.0.1", 0).start();
                RunningBalancer balancer = RunningBalancer.start(Map.of(
                        "adminToken",
                        TOKEN,
                        "healthCheckInterval",
                        "3600",
                        "backends",
                        backends.get(0).name()))) {
            Admin admin = new Admin(balancer, TOKEN);
            extra.setHealthy(false);
            HttpResponse<String> added =
                    admin.post("/backends", "{\"address\": \"" + extra.name() + "\", \"weight\": 3}");
            assertEquals(201, added.statusCode(), added.body());
            assertEquals(extra.name(), json(added).getString("address"));
            assertEquals(3, json(added).getInt("weight"));
            assertEquals("admin", json(added).getString("source"));
            // Checked at once, and failing: it takes no traffic.
            await().until(() -> extra.healthChecks() >= 1);
            for (int i = 0; i < 6; i++) {
                Http.get(balancer.uri("/"));
            }
            assertEquals(0, extra.requests());
            assertJsonError(admin.post("/backends", "{\"address\": \"" + extra.name() + "\"}"), 409);

            // Another one whose first check passes takes its share at once.
            HttpResponse<String> second =
                    admin.post("/backends", "{\"address\": \"" + backends.get(1).name() + "\"}");
            assertEquals(201, second.statusCode());
            assertEquals(1, json(second).getInt("weight"));
            await().until(() -> balancer.backendStats(backends.get(1)).getBoolean("healthy"));
            for (int i = 0; i < 6; i++) {
                Http.get(balancer.uri("/"));
            }
            assertEquals(3, backends.get(1).requests());
        }
    }

    @Test
    void aBadBodyForAddGets400AndChangesNothing() throws Exception {
        try (Backends backends = Backends.start(1);
                RunningBalancer balancer = start(backends, Map.of())) {
            for (String body : List.of(
                    "{",
                    "[]",
                    "\"x\"",
                    "",
                    "{\"address\": \"127.0.0.1:9\", \"weigth\": 2}",
                    "{\"address\": \"127.0.0.1:9\", \"weight\": 1.5}",
                    "{\"address\": \"127.0.0.1:9\", \"weight\": \"3\"}",
                    "{\"address\": \"127.0.0.1:9\", \"weight\": 0}",
                    "{\"address\": \"127.0.0.1:9\", \"weight\": 1001}",
                    "{\"weight\": 2}",
                    "{\"address\": 9}",
                    "{\"address\": \"nope\"}",
                    "{\"address\": \"127.0.0.1:99999\"}")) {
                assertJsonError(new Admin(balancer, TOKEN).post("/backends", body), 400);
                assertEquals(1, balancer.stats().getJsonArray("backends").size(), body);
            }
            assertJsonError(new Admin(balancer, TOKEN).put("/backends", "{}"), 405);
            assertJsonError(new Admin(balancer, TOKEN).get("/other"), 404);
        }
    }

    @Test
    void weightAndStateChangeAtOnceForNewRequestsAndBadChangesApplyNothing() throws Exception {
        try (Backends backends = Backends.start(2);
                RunningBalancer balancer = start(backends, Map.of("algorithm", "weighted_round_robin"))) {
            Admin admin = new Admin(balancer, TOKEN);
            TestServer a = backends.get(0);
            TestServer b = backends.get(1);
            HttpResponse<String> reweighted = admin.put("/backends/" + a.name(), "{\"weight\": 3}");
            assertEquals(200, reweighted.statusCode());
            assertEquals(3, json(reweighted).getInt("weight"));
            for (int i = 0; i < 8; i++) {
                Http.get(balancer.uri("/"));
            }
            assertEquals(6, a.requests());
            assertEquals(2, b.requests());

            for (String bad : List.of(
                    "{}",
                    "{\"weight\": 2, \"state\": \"off\"}",
                    "{\"weight\": 2.5, \"state\": \"draining\"}",
                    "{\"state\": \"drained\"}",
                    "{\"weight\": 2, \"name\": \"x\"}",
                    "not json")) {
                assertJsonError(admin.put("/backends/" + a.name(), bad), 400);
            }
            JsonObject unchanged = balancer.backendStats(a);
            assertEquals(3, unchanged.getInt("weight"));
            assertEquals("enabled", unchanged.getString("state"));

            HttpResponse<String> drained = admin.put("/backends/" + a.name(), "{\"state\": \"draining\"}");
            assertEquals(200, drained.statusCode());
            assertEquals("drained", json(drained).getString("state"));
            for (int i = 0; i < 4; i++) {
                Http.get(balancer.uri("/"));
            }
            assertEquals(6, a.requests());
            assertEquals("drained", balancer.backendStats(a).getString("state"));
            assertTrue(balancer.backendStats(a).getBoolean("healthy"), "a drained backend is still health-checked");
            long checks = a.healthChecks();
            await().until(() -> a.healthChecks() > checks);

            assertEquals(
                    200,
                    admin.put("/backends/" + a.name(), "{\"state\": \"enabled\", \"weight\": 1}")
                            .statusCode());
            for (int i = 0; i < 4; i++) {
                Http.get(balancer.uri("/"));
            }
            assertEquals(8, a.requests());
            assertJsonError(admin.put("/backends/127.0.0.1:1", "{\"weight\": 2}"), 404);
            assertJsonError(admin.put("/backends/not-an-address", "{\"weight\": 2}"), 400);
        }
    }

    @Test
    void aRemovedBackendTakesNoNewRequestAndLeavesWhenItsRequestsEnd() throws Exception {
        try (Backends backends = Backends.start(2);
                RunningBalancer balancer = start(backends, Map.of())) {
            Admin admin = new Admin(balancer, TOKEN);
            TestServer leaving = backends.get(0);
            ExecutorService slow = Executors.newSingleThreadExecutor();
            try {
                Future<HttpResponse<String>> inFlight;
                do {
                    inFlight = slow.submit(() -> Http.get(balancer.uri("/slow?delay_ms=1500")));
                    await().until(() -> balancer.connectionsInFlight() == 1);
                    if (balancer.backendStats(leaving).getInt("connections") == 0) {
                        assertEquals(200, inFlight.get(10, TimeUnit.SECONDS).statusCode());
                        inFlight = null;
                    }
                } while (inFlight == null);
                long start = System.nanoTime();
                HttpResponse<String> removed = admin.delete("/backends/" + leaving.name());
                assertEquals(202, removed.statusCode());
                assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(1000), "202 must come at once");
                assertEquals("draining", json(removed).getString("state"));
                long before = leaving.requests();
                for (int i = 0; i < 4; i++) {
                    assertEquals(200, Http.get(balancer.uri("/")).statusCode());
                }
                assertEquals(before, leaving.requests());
                assertEquals(2, balancer.stats().getJsonArray("backends").size());
                assertEquals(200, inFlight.get(10, TimeUnit.SECONDS).statusCode());
                await().until(() -> balancer.stats().getJsonArray("backends").size() == 1);
                assertJsonError(admin.delete("/backends/" + leaving.name()), 404);
                assertJsonError(admin.delete("/backends/" + backends.get(1).name()), 409);
                assertEquals(1, balancer.stats().getJsonArray("backends").size());
            } finally {
                slow.shutdownNow();
            }
        }
    }

    @Test
    void drainingUnderLoadLosesNoRequestAndEndsDrained() throws Exception {
        try (Backends backends = Backends.start(3);
                RunningBalancer balancer = start(backends, Map.of())) {
            TestServer drained = backends.get(0);
            AtomicBoolean running = new AtomicBoolean(true);
            List<Integer> statuses = Collections.synchronizedList(new ArrayList<>());
            ExecutorService clients = Executors.newFixedThreadPool(6);
            try {
                List<Future<?>> load = new ArrayList<>();
                for (int c = 0; c < 6; c++) {
                    load.add(clients.submit(() -> {
                        while (running.get()) {
                            statuses.add(
                                    Http.get(balancer.uri("/load?delay_ms=20")).statusCode());
                        }
                        return null;
                    }));
                }
                await().until(() -> drained.requests() > 20);
                assertEquals(
                        200,
                        new Admin(balancer, TOKEN)
                                .put("/backends/" + drained.name(), "{\"state\": \"draining\"}")
                                .statusCode());
                await().atMost(Duration.ofSeconds(5))
                        .until(() ->
                                "drained".equals(balancer.backendStats(drained).getString("state")));
                long atDrained = drained.requests();
                long others = backends.totalRequests() - atDrained;
                // Traffic goes on to the others: a good number of new requests, none of them to the drained one.
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> backends.totalRequests() - drained.requests() > others + 50);
                running.set(false);
                for (Future<?> client : load) {
                    client.get(10, TimeUnit.SECONDS);
                }
                assertEquals(atDrained, drained.requests(), "a drained backend took new requests");
            } finally {
                running.set(false);
                clients.shutdownNow();
            }
            assertTrue(statuses.size() > 50);
            assertEquals(List.of(200), statuses.stream().distinct().toList());
            assertEquals("drained", balancer.backendStats(drained).getString("state"));
        }
    }

    @Test
    void theMonitoringEndpointsCanBeLimitedToClientAddresses() throws Exception {
        try (Backends backends = Backends.start(1);
                RunningBalancer elsewhere =
                        RunningBalancer.inFrontOf(backends.all(), Map.of("monitorAllow", "10.0.0.0/8, ::1"));
                RunningBalancer local =
                        RunningBalancer.inFrontOf(backends.all(), Map.of("monitorAllow", "127.0.0.0/8"))) {
            for (String path : List.of("/lb-health", "/lb-stats", "/lb-metrics", "/lb-dashboard")) {
                assertJsonError(Http.get(elsewhere.uri(path)), 403);
                assertEquals(200, Http.get(local.uri(path)).statusCode(), path);
            }
            // Proxied traffic is not monitoring: it passes.
            assertEquals(200, Http.get(elsewhere.uri("/app")).statusCode());
        }
    }

    @Test
    void theTokenNeverAppearsInTheLog() throws Exception {
        try (Backends backends = Backends.start(2)) {
            int port = JlbProcess.freePort();
            String secret = "s3cr3t-" + System.nanoTime();
            try (JlbProcess jlb = JlbProcess.start(
                    "-p", String.valueOf(port), "-b", backends.get(0).name(), "--admin-token", secret)) {
                jlb.awaitLog(line -> line.contains("jlb listening"));
                var base = ContainerChecks.uri(port, "/lb-admin/backends");
                assertEquals(
                        403,
                        Admin.withAuthorization(base, "Bearer " + secret + "-wrong")
                                .statusCode());
                assertEquals(
                        200, Admin.withAuthorization(base, "Bearer " + secret).statusCode());
                HttpResponse<String> added = Http.send(java.net.http.HttpRequest.newBuilder(base)
                        .header("Authorization", "Bearer " + secret)
                        .timeout(Http.TIMEOUT)
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                                "{\"address\": \"" + backends.get(1).name() + "\"}"))
                        .build());
                assertEquals(201, added.statusCode());
                jlb.awaitLog(line -> line.contains("admin (") && line.contains("added"));
                assertFalse(
                        jlb.output().stream().anyMatch(line -> line.contains(secret)),
                        jlb.output().toString());
            }
        }
    }
}
