package dev.jlb.it;

import static dev.jlb.it.RunningBalancer.json;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The defects that outside tools found, byte for byte on raw sockets, against a backend of the
 * test's own that sends exactly the answers they need and logs every byte it receives.
 */
class OddRequestsAndAnswersIT {
    private static final String FINAL = ScriptedBackend.ok("ok");
    private static final Duration BACKEND_TIMEOUT = Duration.ofSeconds(2);

    private static ScriptedBackend backend;
    private static RunningBalancer balancer;

    @BeforeAll
    static void start() throws Exception {
        backend = new ScriptedBackend(line -> {
            if (line.startsWith("GET /r103 ")) {
                return "HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n" + FINAL;
            }
            if (line.startsWith("GET /r102 ")) {
                return "HTTP/1.1 102 Processing\r\n\r\n" + FINAL;
            }
            if (line.startsWith("GET /r100 ")) {
                return "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 100 Continue\r\n\r\n" + FINAL;
            }
            if (line.startsWith("GET /many-interim ")) {
                return "HTTP/1.1 102 Processing\r\n\r\n".repeat(3) + "HTTP/1.1 103 Early Hints\r\nLink: </b.js>\r\n\r\n"
                        + "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 199 Misc\r\n\r\n" + FINAL;
            }
            if (line.startsWith("GET /interim-then-silence ")) {
                return "HTTP/1.1 102 Processing\r\n\r\n";
            }
            if (line.startsWith("GET /?status=101 ")) {
                return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n";
            }
            return FINAL;
        });
        balancer = RunningBalancer.start(
                Map.of("backends", backend.name(), "backendTimeout", Long.toString(BACKEND_TIMEOUT.toSeconds())));
    }

    @AfterAll
    static void stop() throws Exception {
        balancer.close();
        backend.close();
    }

    @AfterEach
    void nothingLeftInFlight() {
        await().atMost(BACKEND_TIMEOUT.plusSeconds(5)).until(() -> balancer.connectionsInFlight() == 0);
    }

    private static String send(String request) throws Exception {
        return Http.raw(balancer.port(), request);
    }

    private static int status(String answer) {
        return Integer.parseInt(answer.substring(9, 12));
    }

    /** The last response of an answer (after any interim ones). */
    private static String finalResponse(String answer) {
        return answer.substring(answer.lastIndexOf("HTTP/1.1 "));
    }

    private static String body(String response) {
        return response.substring(response.indexOf("\r\n\r\n") + 4);
    }

    /** An answer of jlb's own: its JSON error, nothing of Jetty's, no trace and no backend address. */
    private static void isJlbsOwnError(String answer, int expected) {
        assertEquals(expected, status(answer), answer);
        assertTrue(answer.contains("Content-Type: application/json"), answer);
        assertTrue(json(body(answer)).containsKey("error"), answer);
        assertFalse(answer.contains("Exception") || answer.contains("<html") || answer.contains(" at "), answer);
        assertFalse(body(answer).contains(backend.name()), answer);
    }

    // ---- interim answers ------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/r103", "/r102", "/r100", "/many-interim"})
    void interimAnswersNeverStallTheExchange(String path) throws Exception {
        String answer = send("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        String last = finalResponse(answer);
        assertEquals(200, status(last), answer);
        assertEquals("ok", body(last), answer);
        assertFalse(
                answer.contains("HTTP/1.1 102") || answer.contains("HTTP/1.1 100") || answer.contains("HTTP/1.1 199"),
                "an interim answer other than 103 reached the client: " + answer);
    }

    @Test
    void earlyHintsAreRelayedBeforeTheFinalAnswer() throws Exception {
        String answer = send("GET /r103 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 103 "), answer);
        String hints = answer.substring(0, answer.indexOf("\r\n\r\n"));
        assertTrue(hints.contains("\r\nLink: </a.css>; rel=preload"), hints);
        String last = finalResponse(answer);
        assertFalse(last.contains("Link:"), "the hint's Link stayed on the final answer: " + last);
    }

    @Test
    void earlyHintsAreNotSentToAnHttp10Client() throws Exception {
        String answer = send("GET /r103 HTTP/1.0\r\nHost: x\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.0 200 ") || answer.startsWith("HTTP/1.1 200 "), answer);
    }

    @Test
    void theBackendTimeoutBoundsTheWaitAfterAnInterimAnswer() throws Exception {
        long start = System.nanoTime();
        String answer = send("GET /interim-then-silence HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        isJlbsOwnError(answer, 504);
        assertTrue(took >= BACKEND_TIMEOUT.toMillis() - 100 && took < BACKEND_TIMEOUT.toMillis() + 3000, took + " ms");
    }

    @Test
    void aClientThatLeavesDuringAnInterimWaitLeavesNoCountBehind() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), balancer.port())) {
            socket.getOutputStream()
                    .write("GET /interim-then-silence HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            await().atMost(Duration.ofSeconds(5)).until(() -> balancer.connectionsInFlight() == 1);
        }
        // @AfterEach: back to 0 within the backend timeout.
    }

    // ---- 101 -------------------------------------------------------------------------------

    @Test
    void anUnaskedFor101IsA502AndNothingAfterItIsReadAsARequest() throws Exception {
        String answer = send("GET /?status=101 HTTP/1.1\r\nHost: x\r\n\r\nGET /SMUGGLED HTTP/1.1\r\nHost: x\r\n\r\n");
        isJlbsOwnError(answer, 502);
        assertTrue(answer.contains("\r\nConnection: close\r\n"), answer);
        assertEquals(1, answer.split("HTTP/1\\.1 ", -1).length - 1, "more than one answer: " + answer);
        await().atMost(Duration.ofSeconds(5)).until(() -> backend.connectionClosedAfter("GET /?status=101 HTTP/1.1"));
        assertFalse(backend.received().contains("SMUGGLED"), backend.received());
    }

    // ---- transfer codings, CONNECT ---------------------------------------------------------

    @Test
    void anUnknownTransferCodingBeforeChunkedIsRefusedWith501AndNothingIsForwarded() throws Exception {
        List<String> before = backend.requestLines();
        String answer = send("POST /foote HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: foo, chunked\r\n\r\n"
                + "5\r\nhello\r\n0\r\n\r\n");
        isJlbsOwnError(answer, 501);
        assertTrue(answer.contains("\r\nConnection: close\r\n"), answer);
        assertEquals(before, backend.requestLines());
    }

    @Test
    void aGzipCodedBodyIsRefusedRatherThanForwardedWithoutItsCoding() throws Exception {
        ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(gzipped)) {
            gzip.write("hello".getBytes(StandardCharsets.US_ASCII));
        }
        String coded = gzipped.toString(StandardCharsets.ISO_8859_1);
        List<String> before = backend.requestLines();
        String answer = send("POST /gz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
                + Integer.toHexString(coded.length()) + "\r\n" + coded + "\r\n0\r\n\r\n");
        isJlbsOwnError(answer, 501);
        assertEquals(before, backend.requestLines());
    }

    @Test
    void chunkedAloneIsForwardedWithItsBody() throws Exception {
        String answer =
                send("POST /chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                        + "5\r\nhello\r\n0\r\n\r\n");
        assertEquals(200, status(answer), answer);
        String received = backend.received();
        String request = received.substring(received.lastIndexOf("POST /chunked "));
        assertTrue(request.endsWith("\r\n\r\nhello") || request.endsWith("\r\n\r\n5\r\nhello\r\n0\r\n\r\n"), request);
    }

    @Test
    void connectIsRefusedWith405AndAnAllowHeaderAndNeverForwarded() throws Exception {
        List<String> before = backend.requestLines();
        String answer = send("CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n");
        isJlbsOwnError(answer, 405);
        assertTrue(answer.contains("\r\nAllow: GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS\r\n"), answer);
        assertEquals(before, backend.requestLines());
    }

    // ---- escapes in the query, jlb's own errors --------------------------------------------

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/q?a=%zz", "/x?%", "/q?a=%2", "/q?%E9t%C3%A9=%00&b=%%41", "/q?a=1&&=&b=+%20"})
    void theQueryReachesTheBackendByteForByte(String target) throws Exception {
        String answer = send("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertEquals(200, status(answer), answer);
        assertTrue(
                backend.requestLines().contains("GET " + target + " HTTP/1.1"),
                backend.requestLines().toString());
    }

    @Test
    void aQueryWithABadEscapeIsCountedAsTheProxiedRequestItIs() throws Exception {
        long before = balancer.stats().getJsonNumber("total_requests").longValue();
        assertEquals(200, status(send("GET /q?a=%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")));
        assertEquals(
                before + 1, balancer.stats().getJsonNumber("total_requests").longValue());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "/WEB-INF/web.xml",
                "/META-INF/MANIFEST.MF",
                "/WEB-INF/jlb-error",
                "/web-inf/web.xml",
                "/x/../WEB-INF/web.xml",
                "/%57EB-INF/web.xml"
            })
    void theContainersOwnPathsAreNeverProxied(String path) throws Exception {
        List<String> before = backend.requestLines();
        String answer = send("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertTrue(status(answer) >= 400 && status(answer) < 500, answer);
        isJlbsOwnError(answer, status(answer));
        assertEquals(before, backend.requestLines());
    }

    @Test
    void aRequestTheParserRefusesGetsJlbsJsonError() throws Exception {
        isJlbsOwnError(send("GET / HTTP/1.1\r\nHost: x\r\nX-Bad: a\rb\r\n\r\n"), 400);
        isJlbsOwnError(send("GET /a%2fb/../c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 400);
    }

    // ---- headers spelled with underscores ----------------------------------------------------

    @Test
    void headersThatSpoofJlbsOwnThroughUnderscoresAreDropped() throws Exception {
        String answer = send("GET /underscores HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                + "X_Backend_Server: evil:1\r\nX_Forwarded_For: 6.6.6.6\r\nX_Forwarded_By: evil\r\nx_forwarded_host: evil\r\n"
                + "X_FORWARDED_PROTO: https\r\nX_Forwarded-For: 6.6.6.7\r\nTransfer_Encoding: chunked\r\nProxy_Authorization: x\r\n"
                + "Content_Length: 99\r\nX_Custom_Header: kept\r\n\r\n");
        assertEquals(200, status(answer), answer);
        String received = backend.received();
        String request = received.substring(received.lastIndexOf("GET /underscores "));
        String head = request.substring(0, request.indexOf("\r\n\r\n") + 2);
        for (String spoof : List.of(
                "evil",
                "6.6.6.",
                "X_Backend",
                "X_Forwarded",
                "x_forwarded",
                "X_FORWARDED",
                "Transfer_Encoding",
                "Proxy_Authorization",
                "Content_Length")) {
            assertFalse(head.contains(spoof), spoof + " reached the backend:\n" + head);
        }
        assertTrue(head.contains("\r\nX_Custom_Header: kept\r\n"), head);
        assertTrue(head.contains("\r\nX-Forwarded-For: 127.0.0.1\r\n"), head);
    }
}
