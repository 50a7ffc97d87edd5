package dev.jlb.it;

import static dev.jlb.it.RunningBalancer.json;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Requests a balancer must refuse, sent byte for byte over raw sockets: each gets its 4xx and no
 * backend sees anything of it, so no backend can be made to read a different request.
 */
class HostileInputIT {
    private static Backends backends;
    private static RunningBalancer balancer;

    @BeforeAll
    static void start() throws Exception {
        backends = Backends.start(2);
        balancer = RunningBalancer.inFrontOf(backends.all(), Map.of("maxRequestBodySize", "1000"));
    }

    @AfterAll
    static void stop() throws Exception {
        balancer.close();
        backends.close();
    }

    @AfterEach
    void nothingLeftInFlight() {
        await().until(() -> balancer.connectionsInFlight() == 0);
    }

    private static String send(String request) throws Exception {
        return Http.raw(balancer.port(), request);
    }

    private static int status(String answer) {
        return Integer.parseInt(answer.substring(9, 12));
    }

    static Stream<Arguments> malformedRequests() {
        String longHeader = "X-Long: " + "a".repeat(9000) + "\r\n";
        String manyHeaders = "X-A: " + "b".repeat(4000) + "\r\nX-B: " + "c".repeat(4500) + "\r\n";
        return Stream.of(
                Arguments.of("header block over 8 KiB", 431, "GET / HTTP/1.1\r\nHost: lb\r\n" + longHeader + "\r\n"),
                Arguments.of(
                        "headers adding up to over 8 KiB",
                        431,
                        "GET / HTTP/1.1\r\nHost: lb\r\n" + manyHeaders + "\r\n"),
                Arguments.of("URI over 8 KiB", 414, "GET /" + "u".repeat(9000) + " HTTP/1.1\r\nHost: lb\r\n\r\n"),
                Arguments.of(
                        "Content-Length with Transfer-Encoding",
                        400,
                        "POST / HTTP/1.1\r\nHost: lb\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n"
                                + "0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: lb\r\n\r\n"),
                Arguments.of(
                        "two differing Content-Lengths",
                        400,
                        "POST / HTTP/1.1\r\nHost: lb\r\nContent-Length: 5\r\nContent-Length: 40\r\n\r\nhello"),
                Arguments.of(
                        "two differing Content-Lengths in one field",
                        400,
                        "POST / HTTP/1.1\r\nHost: lb\r\nContent-Length: 5, 40\r\n\r\nhello"),
                Arguments.of(
                        "obsolete line folding", 400, "GET / HTTP/1.1\r\nHost: lb\r\nX-Folded: one\r\n two\r\n\r\n"),
                Arguments.of("bare CR in a header value", 400, "GET / HTTP/1.1\r\nHost: lb\r\nX-Bad: a\rb\r\n\r\n"),
                Arguments.of(
                        "bare LF ending a header line",
                        400,
                        "GET / HTTP/1.1\r\nHost: lb\r\nX-Bad: a\nTransfer-Encoding: chunked\r\n\r\n"),
                Arguments.of("NUL in a header value", 400, "GET / HTTP/1.1\r\nHost: lb\r\nX-Bad: a\u0000b\r\n\r\n"),
                Arguments.of(
                        "space before the colon",
                        400,
                        "GET / HTTP/1.1\r\nHost: lb\r\nTransfer-Encoding : chunked\r\n\r\n"),
                Arguments.of(
                        "unknown transfer coding",
                        400,
                        "POST / HTTP/1.1\r\nHost: lb\r\nTransfer-Encoding: gzip, chunked, identity\r\n\r\n0\r\n\r\n"),
                Arguments.of(
                        "Content-Length over the body limit",
                        413,
                        "POST / HTTP/1.1\r\nHost: lb\r\nContent-Length: 5000\r\n\r\n" + "x".repeat(5000)),
                Arguments.of(
                        "chunked body over the body limit",
                        413,
                        "POST / HTTP/1.1\r\nHost: lb\r\nTransfer-Encoding: chunked\r\n\r\n" + "3e8\r\n"
                                + "y".repeat(1000) + "\r\n3e8\r\n" + "z".repeat(1000) + "\r\n0\r\n\r\n"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("malformedRequests")
    void isRefusedAndReachesNoBackend(String what, int expected, String request) throws Exception {
        long before = backends.totalRequests();
        String answer = send(request);
        assertEquals(
                expected,
                status(answer),
                what + ": " + answer.lines().findFirst().orElse(""));
        assertFalse(answer.contains("\"server\""), "a backend answered: " + answer);
        assertEquals(before, backends.totalRequests(), "a backend saw the " + what);
    }

    @Test
    void aChunkedBodyOverTheLimitIsStoppedBeforeItReachesABackend() throws Exception {
        long before = backends.totalRequests();
        String answer = send("POST / HTTP/1.1\r\nHost: lb\r\nTransfer-Encoding: chunked\r\n\r\n" + "3e8\r\n"
                + "y".repeat(1000) + "\r\n3e8\r\n" + "z".repeat(1000) + "\r\n0\r\n\r\n");
        assertEquals(413, status(answer));
        // The first kilobyte fit in the retry buffer, so the request was never sent at all.
        assertEquals(before, backends.totalRequests());
    }

    @Test
    void aBodyWithinTheLimitIsProxied() throws Exception {
        String answer = send("POST /ok HTTP/1.1\r\nHost: lb\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n"
                + "x".repeat(1000));
        assertEquals(200, status(answer));
        assertTrue(answer.contains("\"body_bytes\": 1000"), answer);
    }

    @Test
    void hopByHopHeadersAreNeverForwardedEitherWay() throws Exception {
        String answer =
                send("GET /hop?set_header=Connection:X-Hop&set_header=X-Hop:secret&set_header=Keep-Alive:timeout%3D5"
                        + "&set_header=X-Kept:yes HTTP/1.1\r\n"
                        + "Host: lb\r\nConnection: close, upgrade, X-Private\r\nX-Private: 1\r\nKeep-Alive: timeout=5\r\nTE: trailers\r\n"
                        + "Upgrade: websocket\r\nProxy-Authorization: Basic Zm9vOmJhcg==\r\nProxy-Connection: keep-alive\r\n"
                        + "X-Kept: yes\r\n\r\n");
        assertEquals(200, status(answer));
        String head = answer.substring(0, answer.indexOf("\r\n\r\n")).toLowerCase(java.util.Locale.ROOT);
        assertFalse(head.contains("x-hop"), head);
        assertFalse(head.contains("keep-alive: timeout"), head);
        assertTrue(head.contains("x-kept: yes"), head);
        JsonObject seen = json(answer.substring(answer.indexOf("\r\n\r\n") + 4)).getJsonObject("headers");
        for (String hop :
                List.of("X-Private", "Keep-Alive", "TE", "Upgrade", "Proxy-Authorization", "Proxy-Connection")) {
            assertFalse(
                    seen.keySet().stream().anyMatch(name -> name.equalsIgnoreCase(hop)),
                    hop + " reached the backend: " + seen);
        }
        assertEquals("yes", seen.getString("X-Kept"));
    }

    @Test
    void anIdleClientConnectionIsClosedAfterTheClientTimeout() throws Exception {
        try (RunningBalancer strict = RunningBalancer.inFrontOf(backends.all(), Map.of("clientTimeout", "0.5"));
                Socket idle = new Socket(InetAddress.getLoopbackAddress(), strict.port())) {
            idle.setSoTimeout(10_000);
            long start = System.nanoTime();
            idle.getOutputStream().write("GET /partial HTTP/1.1\r\nHost: lb\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = Http.readAll(idle.getInputStream());
            long waited = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(waited >= 400 && waited < 5000, "closed after " + waited + " ms: " + answer);
        }
    }

    @Test
    void slowClientsHoldingHalfOpenRequestsDoNotStarveOthers() throws Exception {
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                Socket socket = new Socket(InetAddress.getLoopbackAddress(), balancer.port());
                OutputStream out = socket.getOutputStream();
                out.write("GET /slowloris HTTP/1.1\r\nHost: lb\r\nX-Trickle: ".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                slow.add(socket);
            }
            for (int round = 0; round < 3; round++) {
                for (Socket socket : slow) {
                    socket.getOutputStream().write('a');
                    socket.getOutputStream().flush();
                }
                long start = System.nanoTime();
                HttpResponse<String> response = Http.get(balancer.uri("/served"));
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                assertEquals(200, response.statusCode());
                assertTrue(took.compareTo(Duration.ofSeconds(2)) < 0, "took " + took);
            }
        } finally {
            for (Socket socket : slow) {
                socket.close();
            }
        }
    }
}
