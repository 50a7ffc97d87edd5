package dev.jlb.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jlb.testserver.TestServer;
import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WebSockets through jlb, with the JDK's WebSocket client against the test server's {@code /ws}
 * echo: messages of every kind both ways, ping and pong, close codes, the subprotocol, the
 * client's headers, a refused upgrade, a backend that dies, and the counts in /lb-stats and
 * /lb-metrics.
 */
class WebSocketIT {
    private static URI ws(RunningBalancer balancer, String pathAndQuery) {
        return URI.create("ws://127.0.0.1:" + balancer.port() + pathAndQuery);
    }

    private static int websockets(RunningBalancer balancer) {
        return balancer.stats().getJsonArray("backends").stream()
                .mapToInt(b -> b.asJsonObject().getInt("websockets"))
                .sum();
    }

    @Test
    void textBinaryFragmentedAndLargeMessagesPassUnchangedBothWays() throws Exception {
        try (Backends backends = Backends.start(1);
                RunningBalancer balancer = RunningBalancer.inFrontOf(backends.all(), Map.of());
                WsClient client = WsClient.open(ws(balancer, "/ws"))) {
            client.socket.sendText("héllo ✓ wörld", true).get(10, TimeUnit.SECONDS);
            assertEquals("héllo ✓ wörld", client.nextText());

            byte[] small = {0, 1, 2, (byte) 0xFF, 127};
            client.socket.sendBinary(ByteBuffer.wrap(small), true).get(10, TimeUnit.SECONDS);
            assertArrayEquals(small, client.nextBinary());

            // A text message in three frames, one of them ending inside a character.
            client.socket.sendText("frag", false).get(10, TimeUnit.SECONDS);
            client.socket.sendText("mént-", false).get(10, TimeUnit.SECONDS);
            client.socket.sendText("ed ✓", true).get(10, TimeUnit.SECONDS);
            assertEquals("fragmént-ed ✓", client.nextText());

            byte[] large = new byte[16 * 1024 * 1024];
            new Random(42).nextBytes(large);
            client.socket.sendBinary(ByteBuffer.wrap(large), true).get(30, TimeUnit.SECONDS);
            assertArrayEquals(large, client.nextBinary());

            String largeText = "ü".repeat(8 * 1024 * 1024);
            client.socket.sendText(largeText, true).get(30, TimeUnit.SECONDS);
            assertEquals(largeText, client.nextText());

            assertEquals(1, websockets(balancer));
            assertTrue(
                    Http.get(balancer.uri("/lb-metrics"))
                            .body()
                            .contains("jlb_backend_websockets{backend=\""
                                    + backends.get(0).name() + "\"} 1"),
                    "metrics count the open WebSocket");
            client.socket.sendClose(1000, "done").get(10, TimeUnit.SECONDS);
            assertEquals(new WsClient.Closed(1000, "done"), client.closed.get(10, TimeUnit.SECONDS));
            await().atMost(Duration.ofSeconds(10)).until(() -> websockets(balancer) == 0);
        }
    }

    @Test
    void pingsArePongedByTheBackendAndCloseCodesAndReasonsPassBothWays() throws Exception {
        try (Backends backends = Backends.start(1);
                RunningBalancer balancer = RunningBalancer.inFrontOf(backends.all(), Map.of());
                WsClient client = WsClient.open(ws(balancer, "/ws"))) {
            client.socket.sendPing(ByteBuffer.wrap(new byte[] {9, 8, 7})).get(10, TimeUnit.SECONDS);
            Object pong = client.next();
            assertEquals(new WsClient.Pong(ByteBuffer.wrap(new byte[] {9, 8, 7})), pong);

            client.socket.sendClose(4321, "custom reason ✓").get(10, TimeUnit.SECONDS);
            assertEquals(new WsClient.Closed(4321, "custom reason ✓"), client.closed.get(10, TimeUnit.SECONDS));
            await().atMost(Duration.ofSeconds(10)).until(() -> websockets(balancer) == 0);
        }
    }

    @Test
    void aBackendsOwnCloseReachesTheClientWithItsCodeAndReason() throws Exception {
        try (Backends backends = Backends.start(1);
                RunningBalancer balancer = RunningBalancer.inFrontOf(backends.all(), Map.of());
                WsClient client = WsClient.open(ws(balancer, "/ws?close_with=4002:server%20bye%20%E2%9C%93"))) {
            assertEquals(new WsClient.Closed(4002, "server bye ✓"), client.closed.get(10, TimeUnit.SECONDS));
            await().atMost(Duration.ofSeconds(10)).until(() -> websockets(balancer) == 0);
        }
    }

    @Test
    void theBackendChoosesTheSubprotocolAndSeesTheClientsHeaders() throws Exception {
        try (Backends backends = Backends.start(1);
                RunningBalancer balancer = RunningBalancer.inFrontOf(backends.all(), Map.of());
                WsClient client = WsClient.open(
                        ws(balancer, "/ws?protocols=chat,superchat&send_headers=1"),
                        true,
                        true,
                        List.of(
                                "Cookie", "session=abc",
                                "Authorization", "Bearer t0k3n",
                                "Origin", "https://app.example"),
                        "superchat",
                        "chat")) {
            assertEquals("superchat", client.socket.getSubprotocol());
            JsonObject headers = RunningBalancer.json(client.nextText());
            assertEquals("session=abc", headers.getString("Cookie"));
            assertEquals("Bearer t0k3n", headers.getString("Authorization"));
            assertEquals("https://app.example", headers.getString("Origin"));
            assertEquals("127.0.0.1", headers.getString("X-Forwarded-For"));
            assertEquals("http", headers.getString("X-Forwarded-Proto"));
            assertEquals(backends.get(0).name(), headers.getString("X-Backend-Server"));
            assertEquals("websocket", headers.getString("Upgrade"));
        }
    }

    @Test
    void theHandshakeAnswerCarriesTheBackendsHeadersAndTheStickyCookie() throws Exception {
        try (Backends backends = Backends.start(2);
                RunningBalancer balancer = RunningBalancer.inFrontOf(backends.all(), Map.of("sticky", "cookie"))) {
            String answer = rawHandshake(balancer.port(), "/ws?protocols=chat", "Sec-WebSocket-Protocol: chat\r\n");
            assertTrue(answer.startsWith("HTTP/1.1 101 "), answer);
            assertTrue(answer.contains("\r\nSec-WebSocket-Protocol: chat\r\n"), answer);
            assertTrue(answer.contains("\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"), answer);
            assertTrue(answer.contains("\r\nX-Backend-Server: 127.0.0.1:"), answer);
            assertTrue(answer.contains("\r\nSet-Cookie: JLB_ROUTE="), answer);
        }
    }

    @Test
    void aBackendThatRefusesTheUpgradeGivesTheClientItsStatusAndBody() throws Exception {
        try (Backends backends = Backends.start(1);
                RunningBalancer balancer = RunningBalancer.inFrontOf(backends.all(), Map.of())) {
            String answer = rawHandshake(balancer.port(), "/not-ws?status=403&size=10", "");
            assertTrue(answer.startsWith("HTTP/1.1 403 "), answer);
            assertTrue(answer.endsWith("\r\n\r\n" + "x".repeat(10)) || answer.contains("\r\n\r\n"), answer);
            assertTrue(
                    answer.contains("\r\nX-Backend-Server: " + backends.get(0).name() + "\r\n"), answer);
            assertEquals(0, websockets(balancer));
        }
    }

    @Test
    void aBackendThatDiesClosesTheClientsWebSocket() throws Exception {
        try (Backends backends = Backends.start(1);
                RunningBalancer balancer = RunningBalancer.inFrontOf(backends.all(), Map.of());
                WsClient client = WsClient.open(ws(balancer, "/ws"))) {
            client.socket.sendText("before", true).get(10, TimeUnit.SECONDS);
            assertEquals("before", client.nextText());
            backends.get(0).stop();
            Object end = client.next();
            assertTrue(
                    end instanceof WsClient.Failed || (end instanceof WsClient.Closed closed && closed.code() == 1011),
                    "closed with 1011 or dropped, got " + end);
            await().atMost(Duration.ofSeconds(10)).until(() -> websockets(balancer) == 0);
        }
    }

    @Test
    void aClientThatDropsClosesTheBackendsSide() throws Exception {
        try (Backends backends = Backends.start(1);
                RunningBalancer balancer = RunningBalancer.inFrontOf(backends.all(), Map.of())) {
            WsClient client = WsClient.open(ws(balancer, "/ws"));
            client.socket.sendText("hi", true).get(10, TimeUnit.SECONDS);
            assertEquals("hi", client.nextText());
            assertEquals(1, websockets(balancer));
            client.socket.abort();
            await().atMost(Duration.ofSeconds(10)).until(() -> websockets(balancer) == 0);
        }
    }

    @Test
    void overTlsOnBothSidesWssToJlbAndAnHttpsBackend(@TempDir Path dir) throws Exception {
        TestCertificates.Identity ca = TestCertificates.authority("wss CA");
        TestCertificates.Identity jlb = TestCertificates.server(ca, "jlb", TestCertificates.ec());
        TestServer backend = new TestServer("127.0.0.1", 0)
                .tls(TestCertificates.server(ca, "backend", TestCertificates.rsa())
                        .keyStore())
                .start();
        try (backend;
                RunningBalancer balancer = RunningBalancer.start(Map.of(
                        "backends", "https://" + backend.name(),
                        "backendTrust", ca.writeChain(dir.resolve("ca.pem")).toString(),
                        "tlsCert", jlb.writeChain(dir.resolve("jlb.pem")).toString(),
                        "tlsKey", jlb.writePkcs8Key(dir.resolve("jlb.key")).toString(),
                        "tlsPort", String.valueOf(JlbProcess.freePort()),
                        "healthCheckTimeout", "3"))) {
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> balancer.backendStats(backend).getBoolean("healthy"));
            HttpClient trusting = HttpClient.newBuilder()
                    .sslContext(TlsIT.trusting(ca.certificate()))
                    .build();
            try (WsClient client = WsClient.open(
                    trusting,
                    URI.create("wss://127.0.0.1:" + balancer.tlsPort() + "/ws?send_headers=1"),
                    true,
                    true,
                    List.of())) {
                JsonObject headers = RunningBalancer.json(client.nextText());
                assertEquals("https", headers.getString("X-Forwarded-Proto"));
                client.socket.sendText("secure ✓", true).get(10, TimeUnit.SECONDS);
                assertEquals("secure ✓", client.nextText());
                assertEquals(1, websockets(balancer));
                client.socket.sendClose(1000, "").get(10, TimeUnit.SECONDS);
                assertEquals(1000, client.closed.get(10, TimeUnit.SECONDS).code());
                await().atMost(Duration.ofSeconds(10)).until(() -> websockets(balancer) == 0);
            }
        }
    }

    @Test
    void aStopClosesOpenWebSocketsWith1001OnceTheShutdownGraceIsOver() throws Exception {
        try (Backends backends = Backends.start(1)) {
            RunningBalancer balancer = RunningBalancer.inFrontOf(backends.all(), Map.of("shutdownGrace", "2"));
            CompletableFuture<Void> stopped = new CompletableFuture<>();
            Thread stopper = new Thread(() -> {
                try {
                    balancer.close();
                    stopped.complete(null);
                } catch (Exception e) {
                    stopped.completeExceptionally(e);
                }
            });
            try {
                // Jetty's graceful stop: the connector's shutdownIdleTimeout (1 s) must not close it first.
                ContainerChecks.closesWebSocketsWith1001AfterTheGrace(
                        balancer.port(), backends.all(), Duration.ofSeconds(2), stopper::start);
            } finally {
                if (stopper.getState() == Thread.State.NEW) {
                    balancer.close();
                } else {
                    stopped.get(20, TimeUnit.SECONDS);
                }
            }
        }
    }

    @Test
    void anUndeployClosesOpenWebSocketsWith1001OnceTheShutdownGraceIsOver() throws Exception {
        try (Backends backends = Backends.start(1);
                RunningBalancer balancer = RunningBalancer.inFrontOf(backends.all(), Map.of("shutdownGrace", "2"))) {
            CompletableFuture<Void> undeployed = new CompletableFuture<>();
            ContainerChecks.closesWebSocketsWith1001AfterTheGrace(
                    balancer.port(),
                    backends.all(),
                    Duration.ofSeconds(2),
                    () -> new Thread(() -> {
                                try {
                                    balancer.undeploy();
                                    undeployed.complete(null);
                                } catch (Exception e) {
                                    undeployed.completeExceptionally(e);
                                }
                            })
                            .start());
            undeployed.get(20, TimeUnit.SECONDS);
        }
    }

    /** A handshake written by hand; the answer's head, and its body when it has a length. */
    static String rawHandshake(int port, String path, String extraHeaders) throws IOException {
        try (Socket socket = new Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
                            + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                            + extraHeaders + "\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                head.write(b);
            }
            String text = head.toString(StandardCharsets.UTF_8);
            int at = text.toLowerCase(java.util.Locale.ROOT).indexOf("\r\ncontent-length: ");
            if (at >= 0 && !text.startsWith("HTTP/1.1 101")) {
                int end = text.indexOf("\r\n", at + 2);
                int length = Integer.parseInt(text.substring(at + 18, end).strip());
                text += new String(in.readNBytes(length), StandardCharsets.UTF_8);
            }
            return text;
        }
    }
}
