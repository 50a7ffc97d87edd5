package dev.jlb.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jlb.testserver.TestServer;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's {@code --config} file: a change is applied whole under load without losing a
 * request, an invalid file changes nothing, SIGHUP applies at once, and a bad file stops the start.
 */
class ConfigFileIT {
    private static final int CLIENTS = 8;

    @TempDir
    Path dir;

    private Path write(String content) throws IOException {
        Path file = dir.resolve("jlb.properties");
        Path temporary = dir.resolve("jlb.properties.new");
        Files.writeString(temporary, content);
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return file;
    }

    private static JsonObject stats(int port) {
        return RunningBalancer.json(Http.get(URI.create("http://127.0.0.1:" + port + "/lb-stats")));
    }

    private static Map<String, JsonObject> backendsByAddress(JsonObject stats) {
        return stats.getJsonArray("backends").stream()
                .map(JsonValue::asJsonObject)
                .collect(Collectors.toMap(b -> b.getString("address"), b -> b));
    }

    private static String metrics(int port) {
        return Http.get(URI.create("http://127.0.0.1:" + port + "/lb-metrics")).body();
    }

    private static boolean allHealthy(int port, int count) {
        Map<String, JsonObject> backends = backendsByAddress(stats(port));
        return backends.size() == count && backends.values().stream().allMatch(b -> b.getBoolean("healthy"));
    }

    /** Clients that send GETs until told to stop (and at most a bounded number), counting every answer. */
    private static final class Load implements AutoCloseable {
        private final ExecutorService threads = Executors.newFixedThreadPool(CLIENTS);
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicInteger ok = new AtomicInteger();
        private final Map<String, Integer> failures = new ConcurrentHashMap<>();
        private final Map<String, Integer> byBackend = new ConcurrentHashMap<>();
        private final List<Future<?>> clients = new ArrayList<>();

        Load(int port, int maxPerClient) {
            for (int c = 0; c < CLIENTS; c++) {
                clients.add(threads.submit(() -> {
                    for (int i = 0; i < maxPerClient && !stop.get(); i++) {
                        try {
                            HttpResponse<String> response = Http.CLIENT.send(
                                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/load/" + i))
                                            .timeout(Http.TIMEOUT)
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
                            if (response.statusCode() == 200) {
                                ok.incrementAndGet();
                                byBackend.merge(
                                        response.headers()
                                                .firstValue("X-Backend-Server")
                                                .orElse("?"),
                                        1,
                                        Integer::sum);
                            } else {
                                failures.merge("status " + response.statusCode(), 1, Integer::sum);
                            }
                        } catch (IOException e) {
                            failures.merge(e.toString(), 1, Integer::sum);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                }));
            }
        }

        int requestsTo(String backend) {
            return byBackend.getOrDefault(backend, 0);
        }

        @Override
        public void close() throws Exception {
            stop.set(true);
            for (Future<?> client : clients) {
                client.get(60, TimeUnit.SECONDS);
            }
            threads.shutdown();
        }
    }

    @Test
    void aReloadThatSwapsABackendAndChangesWeightsAndAlgorithmLosesNoRequest() throws Exception {
        try (Backends backends = Backends.start(3)) {
            TestServer a = backends.get(0);
            TestServer b = backends.get(1);
            TestServer c = backends.get(2);
            Path file = write("backends=" + a.name() + "," + b.name() + "\nalgorithm=round_robin\n"
                    + "healthCheckInterval=0.2\n");
            int port = JlbProcess.freePort();
            try (JlbProcess jlb = JlbProcess.start("-p", String.valueOf(port), "--config", file.toString())) {
                jlb.awaitLog(line -> line.contains("jlb listening on port"));
                await().atMost(Duration.ofSeconds(20)).until(() -> allHealthy(port, 2));
                Load load = new Load(port, 5_000);
                try {
                    await().atMost(Duration.ofSeconds(30)).until(() -> load.ok.get() > 400);
                    write("backends=" + b.name() + "=3," + c.name() + "\nalgorithm=weighted_round_robin\n"
                            + "healthCheckInterval=0.2\n");
                    await().atMost(Duration.ofSeconds(30)).until(() -> {
                        Map<String, JsonObject> now = backendsByAddress(stats(port));
                        return now.keySet().equals(java.util.Set.of(b.name(), c.name()))
                                && now.get(c.name()).getInt("requests") > 100;
                    });
                } finally {
                    load.close();
                }
                System.out.println("config reload under load: " + load.ok.get() + " requests answered 200, failures "
                        + load.failures + ", " + load.byBackend);
                assertEquals(Map.of(), load.failures, "every request answered 200");
                assertTrue(load.requestsTo(c.name()) > 0, "the new backend took traffic");
                JsonObject after = stats(port);
                assertEquals("weighted_round_robin", after.getString("algorithm"));
                assertEquals(JsonValue.NULL, after.get("config_error"));
                Map<String, JsonObject> byAddress = backendsByAddress(after);
                assertEquals(3, byAddress.get(b.name()).getInt("weight"));
                assertEquals(1, byAddress.get(c.name()).getInt("weight"));
                assertTrue(byAddress.get(b.name()).getInt("requests") > 0, "the backend that stayed kept its counts");
                assertEquals(0, byAddress.get(b.name()).getInt("connections"));
                // Once the swap is in force, a weighted cycle of 3 + 1 sends b three times c's share.
                long before = c.requests();
                long beforeB = b.requests();
                for (int i = 0; i < 40; i++) {
                    assertEquals(
                            200,
                            Http.get(URI.create("http://127.0.0.1:" + port + "/after/" + i))
                                    .statusCode());
                }
                assertEquals(10, c.requests() - before);
                assertEquals(30, b.requests() - beforeB);
                assertTrue(metrics(port).contains("jlb_config_reloads_total{result=\"ok\"} 1.0"), metrics(port));
                jlb.awaitLog(line -> line.contains("configFile " + file + " applied"));
            }
        }
    }

    @Test
    void anInvalidFileChangesNothingAndIsReportedUntilFixed() throws Exception {
        try (Backends backends = Backends.start(2)) {
            String list = backends.get(0).name() + "," + backends.get(1).name();
            Path file = write("backends=" + list + "\nhealthCheckInterval=0.2\n");
            int port = JlbProcess.freePort();
            try (JlbProcess jlb = JlbProcess.start("-p", String.valueOf(port), "--config", file.toString())) {
                jlb.awaitLog(line -> line.contains("jlb listening on port"));
                await().atMost(Duration.ofSeconds(20)).until(() -> allHealthy(port, 2));
                write("backends=" + backends.get(0).name() + "\nalgorithm=fastest\nhealthCheckInterval=0.2\n");
                await().atMost(Duration.ofSeconds(20)).until(() -> stats(port).get("config_error") != JsonValue.NULL);
                JsonObject stats = stats(port);
                assertTrue(
                        stats.getString("config_error").contains("key algorithm of configFile " + file),
                        stats.toString());
                assertEquals("round_robin", stats.getString("algorithm"));
                assertEquals(2, stats.getJsonArray("backends").size(), "the backends did not change either");
                assertTrue(metrics(port).contains("jlb_config_reloads_total{result=\"error\"} 1.0"));
                jlb.awaitLog(line -> line.contains("not applied, nothing changed") && line.contains("algorithm"));
                for (int i = 0; i < 4; i++) {
                    assertEquals(
                            200,
                            Http.get(URI.create("http://127.0.0.1:" + port + "/x"))
                                    .statusCode());
                }

                write("backends=" + list + "\nalgorithm=random\nhealthCheckInterval=0.2\n");
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> "random".equals(stats(port).getString("algorithm")));
                assertEquals(JsonValue.NULL, stats(port).get("config_error"));
            }
        }
    }

    private static HttpResponse<String> admin(int port, String method, String path, String body) {
        return Http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/lb-admin" + path))
                .header("Authorization", "Bearer secret")
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    @Test
    void adminChangesKeptInTheStateFileOutliveAReload() throws Exception {
        try (Backends backends = Backends.start(3)) {
            String a = backends.get(0).name();
            String b = backends.get(1).name();
            String c = backends.get(2).name();
            Path file = write("backends=" + a + "," + b + "," + c + "\nhealthCheckInterval=0.2\n");
            int port = JlbProcess.freePort();
            try (JlbProcess jlb = JlbProcess.start(
                    "-p",
                    String.valueOf(port),
                    "--config",
                    file.toString(),
                    "--admin-token",
                    "secret",
                    "--state-file",
                    dir.resolve("state.json").toString())) {
                jlb.awaitLog(line -> line.contains("jlb listening on port"));
                await().atMost(Duration.ofSeconds(20)).until(() -> allHealthy(port, 3));
                assertEquals(202, admin(port, "DELETE", "/backends/" + b, null).statusCode());
                assertEquals(
                        200,
                        admin(port, "PUT", "/backends/" + a, "{\"state\": \"draining\"}")
                                .statusCode());
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> backendsByAddress(stats(port)).size() == 2);

                write("backends=" + a + "," + b + "," + c + "\nalgorithm=random\nhealthCheckInterval=0.2\n");
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> "random".equals(stats(port).getString("algorithm")));
                Map<String, JsonObject> after = backendsByAddress(stats(port));
                assertEquals(
                        java.util.Set.of(a, c), after.keySet(), "the backend removed through /lb-admin stays removed");
                assertTrue(
                        after.get(a).getString("state").startsWith("drain"),
                        after.get(a).toString());
                for (int i = 0; i < 10; i++) {
                    HttpResponse<String> response = Http.get(URI.create("http://127.0.0.1:" + port + "/x" + i));
                    assertEquals(
                            c, response.headers().firstValue("X-Backend-Server").orElseThrow());
                }
            }
        }
    }

    @Test
    void sighupAppliesTheFileAtOnce() throws Exception {
        try (Backends backends = Backends.start(1)) {
            Path file = write("backends=" + backends.get(0).name() + "\n");
            int port = JlbProcess.freePort();
            try (JlbProcess jlb = JlbProcess.start("-p", String.valueOf(port), "--config", file.toString())) {
                jlb.awaitLog(line -> line.contains("jlb listening on port"));
                write("backends=" + backends.get(0).name() + "\nalgorithm=least_connections\n");
                new ProcessBuilder("kill", "-HUP", String.valueOf(jlb.pid()))
                        .inheritIO()
                        .start()
                        .waitFor();
                jlb.awaitLog(line -> line.contains("reloading on request"));
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> "least_connections".equals(stats(port).getString("algorithm")));
                assertTrue(jlb.isAlive(), "SIGHUP does not stop jlb");
            }
        }
    }

    @Test
    void aBadFileStopsTheStartNamingTheKey() throws Exception {
        Path file = write("backends=127.0.0.1:3001\nhealthCheckInterval=soon\n");
        JlbProcess.Outcome outcome =
                JlbProcess.run("-p", String.valueOf(JlbProcess.freePort()), "--config", file.toString());
        assertEquals(2, outcome.status(), outcome.toString());
        assertTrue(
                String.join("\n", outcome.stderr()).contains("key healthCheckInterval of configFile " + file),
                outcome.toString());

        Path missing = dir.resolve("nowhere.properties");
        outcome = JlbProcess.run("--config", missing.toString());
        assertEquals(2, outcome.status(), outcome.toString());
        assertTrue(String.join("\n", outcome.stderr()).contains("configFile " + missing + ": cannot be read"));
    }

    @Test
    void theFileSitsBetweenTheEnvironmentAndTheInitParams() throws Exception {
        try (Backends backends = Backends.start(1)) {
            Path file = write("backends=" + backends.get(0).name() + "\nalgorithm=least_connections\n"
                    + "forwardedBy=from-file\n");
            int port = JlbProcess.freePort();
            try (JlbProcess jlb = JlbProcess.start(
                    List.of(),
                    Map.of("JLB_ALGORITHM", "random"),
                    "-p",
                    String.valueOf(port),
                    "--config",
                    file.toString())) {
                jlb.awaitLog(line -> line.contains("jlb listening on port"));
                JsonObject stats = stats(port);
                assertEquals("random", stats.getString("algorithm"), "the environment wins over the file");
                String echo = Http.get(URI.create("http://127.0.0.1:" + port + "/echo"))
                        .body();
                assertTrue(echo.contains("from-file"), "the file wins over the WAR's init-param: " + echo);
            }
        }
    }
}
