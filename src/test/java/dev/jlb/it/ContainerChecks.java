package dev.jlb.it;

import static dev.jlb.it.RunningBalancer.json;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jlb.testserver.TestServer;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** What every container deployment of the WAR must show, checked from outside over HTTP. */
final class ContainerChecks {
    private ContainerChecks() {}

    static URI uri(int port, String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** Waits until every backend is healthy again in jlb's eyes. */
    static void awaitAllHealthy(int port) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonObject body = json(Http.get(uri(port, "/lb-health")));
            return body.getInt("healthy_backends") == body.getInt("total_backends");
        });
    }

    static void awaitListening(int port, JlbProcess container) {
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            if (!container.isAlive()) {
                throw new AssertionError("the container exited: " + container.output());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                // Every backend up, not just the first: the checks that follow expect them all in rotation.
                HttpResponse<String> health = Http.get(uri(port, "/lb-health"));
                JsonObject body = health.statusCode() == 200 ? json(health) : null;
                return body != null && body.getInt("healthy_backends") == body.getInt("total_backends");
            } catch (IOException | RuntimeException notYet) {
                return false;
            }
        });
    }

    /** Proxying over both backends with the contract's headers, and the monitoring endpoints. */
    static void balancesAndReports(int port, List<TestServer> backends, String algorithm) {
        Set<String> answered = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> response = Http.send(HttpRequest.newBuilder(uri(port, "/item/" + i + "?q=" + i))
                    .timeout(Http.TIMEOUT)
                    .header("X-Backend-Server", "spoofed:1")
                    .build());
            assertEquals(200, response.statusCode(), response.body());
            JsonObject echo = json(response);
            String server = echo.getString("server");
            answered.add(server);
            assertEquals(
                    server, response.headers().firstValue("X-Backend-Server").orElseThrow());
            JsonObject headers = echo.getJsonObject("headers");
            assertEquals("jlb", headers.getString("X-Forwarded-By"));
            assertEquals(server, headers.getString("X-Backend-Server"));
            assertEquals("127.0.0.1", headers.getString("X-Forwarded-For"));
            assertEquals("/item/" + i, echo.getString("path"));
        }
        assertEquals(backends.stream().map(TestServer::name).collect(java.util.stream.Collectors.toSet()), answered);

        HttpResponse<String> health = Http.get(uri(port, "/lb-health"));
        assertEquals(200, health.statusCode());
        assertTrue(health.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
        assertEquals("ok", json(health).getString("status"));
        assertEquals(backends.size(), json(health).getInt("total_backends"));

        JsonObject stats = json(Http.get(uri(port, "/lb-stats")));
        assertEquals(algorithm, stats.getString("algorithm"));
        assertEquals(6, stats.getInt("total_requests"));
        assertEquals(
                backends.stream().map(TestServer::name).toList(),
                stats.getJsonArray("backends").stream()
                        .map(JsonValue::asJsonObject)
                        .map(b -> b.getString("address"))
                        .toList());
        assertEquals(
                405,
                Http.send(HttpRequest.newBuilder(uri(port, "/lb-stats"))
                                .POST(HttpRequest.BodyPublishers.noBody())
                                .timeout(Http.TIMEOUT)
                                .build())
                        .statusCode());
    }

    /** A backend that breaks off mid-response, with or without a length: the client's response is cut off too. */
    static void cutsOffABrokenResponse(int port) throws Exception {
        for (String query : List.of("abort_after_bytes=20000", "abort_after_bytes=20000&no_length=1")) {
            String answer = Http.raw(port, "GET /cut?" + query + " HTTP/1.1\r\nHost: lb\r\nConnection: close\r\n\r\n");
            assertTrue(
                    answer.startsWith("HTTP/1.1 200"),
                    answer.lines().findFirst().orElse(""));
            assertFalse(
                    Framing.isComplete(answer),
                    query + ": the cut response was framed as complete: "
                            + answer.substring(0, answer.indexOf("\r\n\r\n")));
        }
    }

    /**
     * The defects outside tools found stay fixed in the container too: the query passes byte for
     * byte, headers spoofing jlb's through underscores are dropped, CONNECT and an unknown
     * transfer coding reach no backend, and the errors are JSON, never a page with a stack trace
     * (jlb's own everywhere; Tomcat's, where it answers itself, through the JsonErrorReportValve
     * the README recommends).
     */
    static void handlesOddRequests(int port, List<TestServer> backends) throws Exception {
        String answer = Http.raw(
                port,
                "GET /q?a=%zz HTTP/1.1\r\nHost: lb\r\nConnection: close\r\n"
                        + "X_Forwarded_For: 6.6.6.6\r\nX_Backend_Server: evil:1\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
        JsonObject echo = json(answer.substring(answer.indexOf("\r\n\r\n") + 4));
        assertEquals("a=%zz", echo.getString("query"));
        JsonObject headers = echo.getJsonObject("headers");
        assertFalse(headers.toString().contains("6.6.6.6") || headers.toString().contains("evil"), headers.toString());

        long before = backends.stream().mapToLong(TestServer::requests).sum();
        for (String request : List.of(
                "GET /WEB-INF/web.xml HTTP/1.1\r\nHost: lb\r\nConnection: close\r\n\r\n",
                "GET /META-INF/MANIFEST.MF HTTP/1.1\r\nHost: lb\r\nConnection: close\r\n\r\n",
                "CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\nConnection: close\r\n\r\n",
                "POST /te HTTP/1.1\r\nHost: lb\r\nTransfer-Encoding: foo, chunked\r\nConnection: close\r\n\r\n"
                        + "5\r\nhello\r\n0\r\n\r\n")) {
            String refusal = Http.raw(port, request);
            int status = Integer.parseInt(refusal.substring(9, 12));
            // Tomcat answers CONNECT itself, with 501, before any webapp sees it.
            assertTrue(status >= 400 && status != 500 && status != 502, request + " -> " + refusal);
            assertTrue(refusal.contains("Content-Type: application/json"), refusal);
            assertFalse(
                    refusal.contains("Exception") || refusal.contains("\tat ") || refusal.contains("<html"), refusal);
            if (request.contains("-INF/")) {
                // The container's refusal inside the webapp goes through jlb's error page.
                assertTrue(
                        json(refusal.substring(refusal.indexOf("\r\n\r\n") + 4)).containsKey("error"), refusal);
            }
        }
        assertEquals(
                before, backends.stream().mapToLong(TestServer::requests).sum(), "a refused request reached a backend");
    }

    /**
     * With {@code sticky=cookie}: the first answer binds the session with jlb's cookie (the
     * context path as its Path), later requests with it stay on that backend, and the backend
     * never sees the cookie.
     */
    static void sticksBySession(int port) {
        HttpResponse<String> first = Http.get(uri(port, "/login"));
        String setCookie = first.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(
                setCookie.startsWith("JLB_ROUTE=") && setCookie.endsWith("; Path=/; HttpOnly; SameSite=Lax"),
                setCookie);
        String backend = first.headers().firstValue("X-Backend-Server").orElseThrow();
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> next = Http.send(HttpRequest.newBuilder(uri(port, "/cart/" + i))
                    .timeout(Http.TIMEOUT)
                    .header("Cookie", cookie + "; keep=1")
                    .build());
            assertEquals(backend, next.headers().firstValue("X-Backend-Server").orElseThrow());
            assertEquals("keep=1", json(next).getJsonObject("headers").getString("Cookie"));
        }
    }

    private static URI ws(int port, String pathAndQuery) {
        return URI.create("ws://127.0.0.1:" + port + pathAndQuery);
    }

    /** WebSockets open now through jlb, per backend address, from /lb-stats. */
    static Map<String, Integer> websockets(int port) {
        return json(Http.get(uri(port, "/lb-stats"))).getJsonArray("backends").stream()
                .map(JsonValue::asJsonObject)
                .collect(Collectors.toMap(b -> b.getString("address"), b -> b.getInt("websockets")));
    }

    private static int openWebSockets(int port) {
        return websockets(port).values().stream().mapToInt(Integer::intValue).sum();
    }

    /** A WebSocket through jlb and the backend it reached. */
    record Joined(WsClient client, TestServer backend) implements AutoCloseable {
        @Override
        public void close() {
            client.close();
        }
    }

    /**
     * Opens a WebSocket to the test server's {@code /ws}, whose first message (the handshake's
     * headers as the backend saw them) names the backend it reached.
     */
    static Joined openWebSocket(int port, List<TestServer> backends) throws Exception {
        WsClient client = WsClient.open(ws(port, "/ws?send_headers=1"));
        try {
            JsonObject headers = json(client.nextText());
            assertEquals("127.0.0.1", headers.getString("X-Forwarded-For"));
            assertEquals("websocket", headers.getString("Upgrade"));
            String name = headers.getString("X-Backend-Server");
            TestServer backend = backends.stream()
                    .filter(b -> b.name().equals(name))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("not a backend: " + name));
            return new Joined(client, backend);
        } catch (Exception | AssertionError e) {
            client.close();
            throw e;
        }
    }

    /**
     * WebSockets through the container (the contract's Protocols): text, binary and a 16 MiB
     * message echoed, ping answered by the backend's pong, a close code and reason passed both
     * ways, the backend's choice of subprotocol, a refused upgrade's status and body, a backend
     * that dies mid-stream (stopped and started again on its port, so that the checks after
     * keep both backends), and the per-backend count in /lb-stats.
     */
    static void joinsWebSockets(int port, List<TestServer> backends) throws Exception {
        try (Joined joined = openWebSocket(port, backends)) {
            WsClient client = joined.client();
            client.socket.sendText("héllo ✓ wörld", true).get(10, TimeUnit.SECONDS);
            assertEquals("héllo ✓ wörld", client.nextText());
            byte[] small = {0, 1, 2, (byte) 0xFF, 127};
            client.socket.sendBinary(ByteBuffer.wrap(small), true).get(10, TimeUnit.SECONDS);
            assertArrayEquals(small, client.nextBinary());
            byte[] large = new byte[16 * 1024 * 1024];
            new Random(42).nextBytes(large);
            client.socket.sendBinary(ByteBuffer.wrap(large), true).get(30, TimeUnit.SECONDS);
            assertArrayEquals(large, client.nextBinary());
            client.socket.sendPing(ByteBuffer.wrap(new byte[] {9, 8, 7})).get(10, TimeUnit.SECONDS);
            assertEquals(new WsClient.Pong(ByteBuffer.wrap(new byte[] {9, 8, 7})), client.next());

            Map<String, Integer> open = websockets(port);
            assertEquals(1, open.get(joined.backend().name()), open.toString());
            assertEquals(1, open.values().stream().mapToInt(Integer::intValue).sum(), open.toString());

            client.socket.sendClose(4321, "bye").get(10, TimeUnit.SECONDS);
            assertEquals(new WsClient.Closed(4321, "bye"), client.closed.get(10, TimeUnit.SECONDS));
        }
        // The backend closes first: its code and reason reach the client.
        try (WsClient client = WsClient.open(ws(port, "/ws?close_with=4002:server%20bye"))) {
            assertEquals(new WsClient.Closed(4002, "server bye"), client.closed.get(10, TimeUnit.SECONDS));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> openWebSockets(port) == 0);

        try (WsClient client = WsClient.open(ws(port, "/ws?protocols=chat,superchat"), "superchat", "chat")) {
            assertEquals("superchat", client.socket.getSubprotocol());
            client.socket.sendText("sub", true).get(10, TimeUnit.SECONDS);
            assertEquals("sub", client.nextText());
            client.socket.sendClose(1000, "").get(10, TimeUnit.SECONDS);
            assertEquals(1000, client.closed.get(10, TimeUnit.SECONDS).code());
        }

        String refused = WebSocketIT.rawHandshake(port, "/not-ws?status=403&size=10", "");
        assertTrue(refused.startsWith("HTTP/1.1 403 "), refused);
        assertTrue(refused.endsWith("\r\n\r\n" + new String(TestServer.filler(10), StandardCharsets.UTF_8)), refused);
        assertTrue(refused.contains("\r\nX-Backend-Server: 127.0.0.1:"), refused);
        await().atMost(Duration.ofSeconds(10)).until(() -> openWebSockets(port) == 0);

        try (Joined joined = openWebSocket(port, backends)) {
            WsClient client = joined.client();
            TestServer backend = joined.backend();
            client.socket.sendText("before", true).get(10, TimeUnit.SECONDS);
            assertEquals("before", client.nextText());
            backend.stop();
            Object end = client.next();
            assertTrue(
                    end instanceof WsClient.Failed || (end instanceof WsClient.Closed closed && closed.code() == 1011),
                    "closed with 1011 or dropped, got " + end);
            await().atMost(Duration.ofSeconds(10)).until(() -> openWebSockets(port) == 0);
            backend.start();
        }
        awaitAllHealthy(port);
    }

    /**
     * The stop as the contract has it for WebSockets: one open when the stop begins keeps
     * passing messages through the shutdown grace, and then gets close 1001 from jlb (within a
     * bound), after which jlb's count of open WebSockets is no concern: the container is gone.
     *
     * @param stop what stops the container or the webapp (a SIGTERM, an undeploy)
     */
    static void closesWebSocketsWith1001AfterTheGrace(
            int port, List<TestServer> backends, Duration grace, Runnable stop) throws Exception {
        try (Joined joined = openWebSocket(port, backends)) {
            WsClient client = joined.client();
            long start = System.nanoTime();
            stop.run();
            client.socket.sendText("during the grace", true).get(10, TimeUnit.SECONDS);
            assertEquals("during the grace", client.nextText());
            Object end = client.next();
            Duration after = Duration.ofNanos(System.nanoTime() - start);
            assertEquals(new WsClient.Closed(1001, "jlb is shutting down"), end, "after " + after);
            assertTrue(after.compareTo(grace) >= 0, "1001 before the grace was over: " + after);
            assertTrue(after.compareTo(grace.plusSeconds(10)) < 0, "1001 long after the grace: " + after);
        }
    }

    /** The webapp's own start line reached the container's log, and no SLF4J complaint did. */
    static void loggedCleanly(JlbProcess container, String algorithm) {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> container.output().stream()
                        .anyMatch(line -> line.contains("jlb started: algorithm " + algorithm)));
        List<String> complaints = container.output().stream()
                .filter(line -> line.contains("SLF4J") || (line.contains("multiple") && line.contains("provider")))
                .toList();
        assertEquals(List.of(), complaints);
    }

    /** After the container stopped, no more health checks reach the backends. */
    static void healthChecksStopped(List<TestServer> backends) {
        long checks = backends.stream().mapToLong(TestServer::healthChecks).sum();
        await().during(Duration.ofMillis(1500))
                .atMost(Duration.ofSeconds(3))
                .until(() ->
                        backends.stream().mapToLong(TestServer::healthChecks).sum() == checks);
    }

    /**
     * HTTP/2 through the container and jlb to a backend, with curl: h2 over TLS (chosen by ALPN,
     * HTTP/1.1 still offered), and h2c on the plain port by prior knowledge and by
     * {@code Upgrade: h2c}. The backend gets HTTP/1.1 with the forwarding headers, the scheme the
     * client used among them.
     */
    static void speaksHttp2(Path scratch, int port, int tlsPort, Path trustedCertificate) throws Exception {
        String curl = Tools.curl();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), tlsPort), 200);
                return true;
            } catch (IOException notYet) {
                return false;
            }
        });
        String tls = "https://127.0.0.1:" + tlsPort + "/h2/tls";
        String plain = "http://127.0.0.1:" + port + "/h2/";
        Path body = scratch.resolve("h2-body.json");
        record Case(List<String> flags, String url, String scheme, int clientPort) {}
        List<Case> cases = List.of(
                new Case(List.of("--http2", "--cacert", trustedCertificate.toString()), tls, "https", tlsPort),
                new Case(List.of("--http2-prior-knowledge"), plain + "prior", "http", port),
                new Case(List.of("-v", "--http2"), plain + "upgrade", "http", port));
        for (Case c : cases) {
            List<String> command = new ArrayList<>(List.of(curl, "-sS"));
            command.addAll(c.flags());
            command.addAll(List.of("-o", body.toString(), "-w", "%{http_version}", c.url()));
            Tools.Result result = Tools.run(scratch, command).succeeded();
            assertEquals("2", result.stdout(), c.url() + "\n" + result.stderr());
            if (c.flags().contains("-v")) {
                assertTrue(result.stderr().contains("< HTTP/1.1 101"), result.stderr());
            }
            JsonObject echo = json(Files.readString(body));
            assertEquals(URI.create(c.url()).getPath(), echo.getString("path"));
            JsonObject headers = echo.getJsonObject("headers");
            assertEquals(c.scheme(), headers.getString("X-Forwarded-Proto"), headers.toString());
            assertEquals("127.0.0.1:" + c.clientPort(), headers.getString("X-Forwarded-Host"));
            assertEquals("127.0.0.1", headers.getString("X-Forwarded-For"));
            assertEquals("2.0 jlb", headers.getString("Via"));
            assertEquals(echo.getString("server"), headers.getString("X-Backend-Server"));
        }
        Tools.Result http11 = Tools.run(
                        scratch,
                        List.of(
                                curl,
                                "-sS",
                                "--http1.1",
                                "--cacert",
                                trustedCertificate.toString(),
                                "-o",
                                "/dev/null",
                                "-w",
                                "%{http_version} %{http_code}",
                                tls))
                .succeeded();
        assertEquals("1.1 200", http11.stdout());
    }

    /** Copies a directory tree. */
    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                }
            }
        }
    }

    /** Replaces the value of one setting in a Jetty override descriptor or a Tomcat context file. */
    static String withSetting(String xml, String name, String value) {
        String jetty = "(<param-name>" + name + "</param-name>\\s*<param-value>)[^<]*(</param-value>)";
        String tomcat = "(<Parameter name=\"" + name + "\" value=\")[^\"]*(\")";
        String changed = xml.replaceAll(jetty, "$1" + value + "$2").replaceAll(tomcat, "$1" + value + "$2");
        assertFalse(changed.equals(xml) && !xml.contains(value), name + " is not in the file");
        return changed;
    }
}
