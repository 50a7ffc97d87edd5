package dev.jlb.it;

import static dev.jlb.it.RunningBalancer.json;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jlb.testserver.TestServer;
import jakarta.json.JsonObject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The contract's "Proxying" section, through the real WAR in front of three test servers. */
class ProxyIT {
    private static Backends backends;
    private static RunningBalancer balancer;

    @BeforeAll
    static void start() throws Exception {
        backends = Backends.start(3);
        balancer = RunningBalancer.inFrontOf(backends.all(), Map.of());
        await().until(() -> balancer.stats().getJsonArray("backends").stream()
                .noneMatch(b -> b.asJsonObject().isNull("last_health_check")));
    }

    @AfterAll
    static void stop() throws Exception {
        balancer.close();
        backends.close();
    }

    @Test
    void requestsGoToTheBackendsInTurnAndSayWhichOneAnswered() {
        long totalBefore = balancer.stats().getJsonNumber("total_requests").longValue();
        Map<String, Integer> answered = new HashMap<>();
        for (int i = 0; i < 9; i++) {
            HttpResponse<String> response = Http.get(balancer.uri("/turn"));
            assertEquals(200, response.statusCode());
            String server = json(response).getString("server");
            assertEquals(
                    server, response.headers().firstValue("X-Backend-Server").orElseThrow());
            answered.merge(server, 1, Integer::sum);
        }
        assertEquals(3, answered.size(), answered.toString());
        answered.values().forEach(count -> assertEquals(3, count, answered.toString()));
        assertEquals(
                totalBefore + 9,
                balancer.stats().getJsonNumber("total_requests").longValue());
    }

    @Test
    void methodPathQueryHeadersAndBodyArriveIntact() throws Exception {
        byte[] body = "{\"hello\": \"world\"}".getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> response = Http.send(HttpRequest.newBuilder(balancer.uri("/a/b%20c/d?x=1&y=%2F&x=2"))
                .timeout(Http.TIMEOUT)
                .header("X-Custom", "one")
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(body))
                .build());
        assertEquals(200, response.statusCode());
        JsonObject echo = json(response);
        assertEquals("PATCH", echo.getString("method"));
        assertEquals("/a/b%20c/d", echo.getString("path"));
        assertEquals("x=1&y=%2F&x=2", echo.getString("query"));
        assertEquals("one", echo.getJsonObject("headers").getString("X-Custom"));
        assertEquals("application/json", echo.getJsonObject("headers").getString("Content-Type"));
        assertEquals(body.length, echo.getInt("body_bytes"));
        assertEquals(sha256(body), echo.getString("body_sha256"));
    }

    @Test
    void aFiveMegabytePostArrivesIntact() throws Exception {
        byte[] body = new byte[5 * 1024 * 1024];
        new Random(5).nextBytes(body);
        HttpResponse<String> response = Http.send(HttpRequest.newBuilder(balancer.uri("/upload"))
                .timeout(Http.TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build());
        assertEquals(200, response.statusCode());
        assertEquals(body.length, json(response).getInt("body_bytes"));
        assertEquals(sha256(body), json(response).getString("body_sha256"));
        // Passed through unchanged, it keeps its length instead of being re-sent chunked.
        JsonObject headers = json(response).getJsonObject("headers");
        assertEquals(String.valueOf(body.length), headers.getString("Content-Length"));
        assertTrue(!headers.containsKey("Transfer-Encoding"), headers.toString());
    }

    @Test
    void backendsGetForwardingHeadersAndNeverTheClientsSpoofedOnes() {
        HttpResponse<String> response = Http.send(HttpRequest.newBuilder(balancer.uri("/headers"))
                .timeout(Http.TIMEOUT)
                .header("X-Backend-Server", "10.6.6.6:666")
                .header("X-Forwarded-By", "mallory")
                .header("X-Forwarded-For", "203.0.113.7")
                .header("X-Forwarded-Proto", "https")
                .build());
        JsonObject headers = json(response).getJsonObject("headers");
        String backend = json(response).getString("server");
        assertEquals("jlb", headers.getString("X-Forwarded-By"));
        assertEquals(backend, headers.getString("X-Backend-Server"));
        assertEquals("203.0.113.7, 127.0.0.1", headers.getString("X-Forwarded-For"));
        assertEquals("http", headers.getString("X-Forwarded-Proto"));
        assertEquals("127.0.0.1:" + balancer.port(), headers.getString("X-Forwarded-Host"));
        assertEquals("1.1 jlb", headers.getString("Via"));
        assertEquals(backend, response.headers().firstValue("X-Backend-Server").orElseThrow());
        assertEquals(List.of(backend), response.headers().allValues("X-Backend-Server"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "text/event-stream"})
    void aStreamedResponseReachesTheClientChunkByChunk(String contentType) throws Exception {
        try (HeldStreamBackend stream = new HeldStreamBackend(contentType);
                RunningBalancer streaming = RunningBalancer.start(Map.of("backends", stream.name()));
                Socket socket = new Socket(InetAddress.getLoopbackAddress(), streaming.port())) {
            socket.setSoTimeout((int) Http.TIMEOUT.toMillis());
            socket.getOutputStream()
                    .write("GET /events HTTP/1.1\r\nHost: lb\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            // The backend holds back its second part until the first one has reached us.
            String head = readUntil(in, HeldStreamBackend.FIRST);
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            assertTrue(head.toLowerCase(java.util.Locale.ROOT).contains("content-type: " + contentType), head);
            stream.release();
            String rest = Http.readAll(in);
            assertTrue(rest.contains(HeldStreamBackend.LAST), rest);
        }
    }

    @Test
    void reservedPathsAreNotProxiedNorCounted() throws Exception {
        long backendRequests = backends.totalRequests();
        long proxied = balancer.stats().getJsonNumber("total_requests").longValue();
        Map<String, Integer> expected = Map.of(
                "/lb-metrics",
                200,
                "/lb-metrics/x",
                404,
                "/lb-dashboard",
                200,
                "/lb-dashboard/app.js",
                200,
                "/lb-dashboard/x/y",
                404,
                "/lb-admin",
                404,
                "/lb-admin/backends",
                404,
                "/lb-admin/backends/127.0.0.1:1",
                404);
        for (Map.Entry<String, Integer> path : expected.entrySet()) {
            HttpResponse<String> response = Http.get(balancer.uri(path.getKey()));
            assertEquals(path.getValue(), response.statusCode(), path.getKey());
            assertTrue(response.headers().firstValue("X-Backend-Server").isEmpty(), path.getKey());
        }
        assertEquals(200, Http.get(balancer.uri("/lb-health")).statusCode());
        assertEquals(200, Http.get(balancer.uri("/lb-stats")).statusCode());
        assertEquals(backendRequests, backends.totalRequests());
        assertEquals(proxied, balancer.stats().getJsonNumber("total_requests").longValue());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/x/../lb-stats", "/lb-%73tats", "/./lb-stats", "/lb-stats;jsessionid=1"})
    void reservedPathsAreMatchedOnTheDecodedNormalisedPath(String path) throws Exception {
        long backendRequests = backends.totalRequests();
        String answer = Http.raw(balancer.port(), "GET " + path + " HTTP/1.1\r\nHost: lb\r\nConnection: close\r\n\r\n");
        assertEquals(backendRequests, backends.totalRequests(), answer);
        assertTrue(answer.contains("\"algorithm\""), answer);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/x/../lb-health",
                "/lb-%68ealth",
                "/x/../lb-metrics",
                "/lb-%6Detrics",
                "/./lb-dashboard",
                "/lb-dashboard;x=1",
                "/x/../lb-admin/backends",
                "/lb-%61dmin/backends"
            })
    void everyReservedPathIsMatchedOnTheDecodedNormalisedPath(String path) throws Exception {
        long backendRequests = backends.totalRequests();
        String answer = Http.raw(balancer.port(), "GET " + path + " HTTP/1.1\r\nHost: lb\r\nConnection: close\r\n\r\n");
        assertEquals(backendRequests, backends.totalRequests(), answer);
        assertFalse(answer.toLowerCase(java.util.Locale.ROOT).contains("x-backend-server"), answer);
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PUT", "DELETE", "PATCH", "OPTIONS"})
    void monitoringEndpointsTakeOnlyGetAndHead(String method) {
        for (String path : List.of("/lb-health", "/lb-stats", "/lb-metrics", "/lb-dashboard")) {
            HttpResponse<String> response = Http.send(HttpRequest.newBuilder(balancer.uri(path))
                    .timeout(Http.TIMEOUT)
                    .method(method, HttpRequest.BodyPublishers.noBody())
                    .build());
            assertEquals(405, response.statusCode(), method + " " + path);
            assertEquals("GET, HEAD", response.headers().firstValue("Allow").orElseThrow());
        }
    }

    @Test
    void monitoringEndpointsAnswerTheContractsJson() {
        HttpResponse<String> healthResponse = Http.get(balancer.uri("/lb-health"));
        assertEquals(
                "application/json",
                healthResponse.headers().firstValue("Content-Type").orElseThrow());
        JsonObject health = json(healthResponse);
        assertEquals(Set.of("status", "healthy_backends", "total_backends", "backends"), health.keySet());
        assertEquals("ok", health.getString("status"));
        assertEquals(3, health.getInt("healthy_backends"));
        assertEquals(3, health.getInt("total_backends"));
        for (var backend : health.getJsonArray("backends")) {
            assertEquals(
                    Set.of("address", "healthy", "connections", "response_time_ms"),
                    backend.asJsonObject().keySet());
        }
        assertEquals(
                backends.all().stream().map(TestServer::name).toList(),
                health.getJsonArray("backends").stream()
                        .map(b -> b.asJsonObject().getString("address"))
                        .toList());

        HttpResponse<String> statsResponse = Http.get(balancer.uri("/lb-stats"));
        assertEquals(
                "application/json",
                statsResponse.headers().firstValue("Content-Type").orElseThrow());
        JsonObject stats = json(statsResponse);
        assertEquals(
                Set.of("algorithm", "sticky", "uptime_seconds", "total_requests", "config_error", "backends"),
                stats.keySet());
        assertTrue(stats.isNull("config_error"));
        assertEquals("round_robin", stats.getString("algorithm"));
        assertEquals("none", stats.getString("sticky"));
        assertTrue(stats.getInt("uptime_seconds") >= 0);
        for (var value : stats.getJsonArray("backends")) {
            JsonObject backend = value.asJsonObject();
            assertEquals(
                    Set.of(
                            "address",
                            "healthy",
                            "state",
                            "connections",
                            "weight",
                            "effective_weight",
                            "route",
                            "response_time_ms",
                            "last_health_check",
                            "requests",
                            "failures",
                            "latency_ms",
                            "out_reason",
                            "retries",
                            "websockets",
                            "source"),
                    backend.keySet());
            assertEquals("static", backend.getString("source"));
            assertTrue(backend.isNull("out_reason"));
            assertEquals(0, backend.getInt("websockets"));
            assertEquals(0, backend.getInt("retries"));
            assertEquals(0, backend.getInt("websockets"));
            assertEquals("enabled", backend.getString("state"));
            assertEquals(1, backend.getInt("weight"));
            assertEquals(1, backend.getInt("effective_weight"));
            assertTrue(backend.getString("route").matches("[0-9a-f]{12}"));
            assertTrue(backend.getBoolean("healthy"));
        }
    }

    @Test
    void latencyIsTheMeanTimeToTheBackendsResponseHeaders() throws Exception {
        try (Backends slow = Backends.start(1);
                RunningBalancer measuring = RunningBalancer.inFrontOf(slow.all(), Map.of())) {
            assertTrue(measuring.backendStats(slow.get(0)).isNull("latency_ms"));
            Http.get(measuring.uri("/?delay_ms=200"));
            Http.get(measuring.uri("/?delay_ms=400"));
            int latency = measuring.backendStats(slow.get(0)).getInt("latency_ms");
            assertTrue(latency >= 300 && latency < 1000, "latency_ms " + latency);
        }
    }

    @Test
    void headAnswersWithoutABody() {
        HttpResponse<String> response = Http.send(HttpRequest.newBuilder(balancer.uri("/lb-stats"))
                .timeout(Http.TIMEOUT)
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build());
        assertEquals(200, response.statusCode());
        assertEquals("", response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
    }

    @Test
    void clientAbortsLeaveNoConnectionCountedAndAreNotBackendFailures() throws Exception {
        long failures = totalFailures();
        // Gone while the backend takes its time: noticed when the answer cannot be written.
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), balancer.port())) {
            socket.getOutputStream()
                    .write("GET /slow?delay_ms=1500 HTTP/1.1\r\nHost: lb\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            await().until(() -> balancer.connectionsInFlight() == 1);
        }
        await().until(() -> balancer.connectionsInFlight() == 0);
        // In the middle of a streamed response.
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), balancer.port())) {
            socket.setSoTimeout((int) Http.TIMEOUT.toMillis());
            socket.getOutputStream()
                    .write("GET /stream?chunks=1000&chunk_interval_ms=20 HTTP/1.1\r\nHost: lb\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
            readUntil(socket.getInputStream(), "chunk 2 of 1000");
        }
        await().until(() -> balancer.connectionsInFlight() == 0);
        // In the middle of an upload.
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), balancer.port())) {
            OutputStream out = socket.getOutputStream();
            out.write("POST /upload HTTP/1.1\r\nHost: lb\r\nContent-Length: 1000000\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[100_000]);
            out.flush();
            await().until(() -> balancer.connectionsInFlight() == 1);
        }
        await().until(() -> balancer.connectionsInFlight() == 0);
        assertEquals(failures, totalFailures());
    }

    private static long totalFailures() {
        return balancer.stats().getJsonArray("backends").stream()
                .mapToLong(b -> b.asJsonObject().getJsonNumber("failures").longValue())
                .sum();
    }

    static String readUntil(InputStream in, String marker) throws Exception {
        StringBuilder seen = new StringBuilder();
        while (!seen.toString().contains(marker)) {
            int c = in.read();
            if (c < 0) {
                throw new AssertionError("the answer ended before '" + marker.strip() + "': " + seen);
            }
            seen.append((char) c);
        }
        return seen.toString();
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
