package dev.jlb.it;

import static dev.jlb.it.RunningBalancer.json;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jlb.testserver.TestServer;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * HTTP/2 clients of the launcher jar ({@code java -jar target/jlb.jar}), with TLS on one port and
 * plain HTTP on the other: h2 over TLS (ALPN) and cleartext h2c (prior knowledge and
 * {@code Upgrade: h2c}), from curl, h2load and the JDK's HttpClient. Every rule of the contract's
 * "Proxying" holds for them, and the backends still get HTTP/1.1.
 */
class Http2IT {
    @TempDir
    static Path dir;

    private static SSLContext trustingCa;
    private static Path caPem;
    private static Path certPem;
    private static Path keyPem;

    /** Two test servers behind one jlb, for what they echo. */
    private static Backends backends;

    private static Jlb echo;

    /** A backend that tells the HTTP version it got, behind a jlb of its own. */
    private static VersionBackend versionBackend;

    private static Jlb versions;

    /** The two ways an HTTP/2 client reaches jlb. */
    enum Transport {
        /** h2 over TLS, chosen by ALPN, on the HTTPS port. */
        H2("https"),
        /** Cleartext HTTP/2 on the plain port. */
        H2C("http");

        final String scheme;

        Transport(String scheme) {
            this.scheme = scheme;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        TestCertificates.Identity ca = TestCertificates.authority("jlb HTTP/2 test CA");
        trustingCa = TlsIT.trusting(ca.certificate());
        caPem = ca.writeChain(dir.resolve("ca.pem"));
        TestCertificates.Identity server = TestCertificates.server(ca, "jlb", TestCertificates.ec());
        certPem = server.writeChain(dir.resolve("cert.pem"));
        keyPem = server.writePkcs8Key(dir.resolve("key.pem"));

        backends = Backends.start(2);
        versionBackend = new VersionBackend();
        // Both launchers start side by side.
        echo = new Jlb(backends.all().stream().map(TestServer::name).collect(Collectors.joining(",")), Map.of());
        versions = new Jlb(versionBackend.name(), Map.of());
        echo.awaitReady();
        versions.awaitReady();
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable closeable : new AutoCloseable[] {versions, echo, versionBackend, backends}) {
            if (closeable != null) {
                closeable.close();
            }
        }
    }

    @Test
    void curlGetsH2OverTlsByAlpnAndHttp11WhenItAsksForThat() throws Exception {
        String curl = Tools.curl();
        Path body = dir.resolve("curl-h2.json");
        Tools.Result h2 = Tools.run(
                        dir,
                        List.of(
                                curl,
                                "-sS",
                                "--http2",
                                "--cacert",
                                caPem.toString(),
                                "-H",
                                "X-Forwarded-For: 203.0.113.7",
                                "-o",
                                body.toString(),
                                "-w",
                                "%{http_version}",
                                echo.uri(Transport.H2, "/curl/tls?x=1").toString()))
                .succeeded();
        assertEquals("2", h2.stdout());
        JsonObject echoed = json(Files.readString(body));
        assertEquals("/curl/tls", echoed.getString("path"));
        assertEquals("x=1", echoed.getString("query"));
        JsonObject headers = echoed.getJsonObject("headers");
        assertEquals(List.of("https"), values(headers, "X-Forwarded-Proto"));
        assertEquals(List.of("127.0.0.1:" + echo.tlsPort), values(headers, "X-Forwarded-Host"));
        assertEquals(List.of("203.0.113.7, 127.0.0.1"), values(headers, "X-Forwarded-For"));
        assertEquals(List.of(echoed.getString("server")), values(headers, "X-Backend-Server"));

        // ALPN offers http/1.1 too, for clients without HTTP/2.
        Tools.Result http11 = Tools.run(
                        dir,
                        List.of(
                                curl,
                                "-sS",
                                "--http1.1",
                                "--cacert",
                                caPem.toString(),
                                "-o",
                                "/dev/null",
                                "-w",
                                "%{http_version} %{http_code}",
                                echo.uri(Transport.H2, "/curl/tls").toString()))
                .succeeded();
        assertEquals("1.1 200", http11.stdout());
    }

    @Test
    void curlGetsH2cOnThePlainPortByPriorKnowledgeAndByUpgrade() throws Exception {
        String curl = Tools.curl();
        Path body = dir.resolve("curl-h2c.json");
        Tools.Result prior = Tools.run(
                        dir,
                        List.of(
                                curl,
                                "-sS",
                                "--http2-prior-knowledge",
                                "-o",
                                body.toString(),
                                "-w",
                                "%{http_version}",
                                echo.uri(Transport.H2C, "/curl/prior").toString()))
                .succeeded();
        assertEquals("2", prior.stdout());
        JsonObject headers = json(Files.readString(body)).getJsonObject("headers");
        assertEquals(List.of("http"), values(headers, "X-Forwarded-Proto"));
        assertEquals(List.of("127.0.0.1:" + echo.port), values(headers, "X-Forwarded-Host"));

        Tools.Result upgraded = Tools.run(
                        dir,
                        List.of(
                                curl,
                                "-sS",
                                "-v",
                                "--http2",
                                "-o",
                                body.toString(),
                                "-w",
                                "%{http_version}",
                                echo.uri(Transport.H2C, "/curl/upgrade").toString()))
                .succeeded();
        assertEquals("2", upgraded.stdout());
        assertTrue(upgraded.stderr().contains("< HTTP/1.1 101"), upgraded.stderr());
        assertEquals("/curl/upgrade", json(Files.readString(body)).getString("path"));

        // A request with a body that asks for the upgrade is answered over HTTP/1.1, whole.
        byte[] upload = new byte[100_000];
        new Random(2).nextBytes(upload);
        Path uploadFile = Files.write(dir.resolve("upload.bin"), upload);
        Tools.Result post = Tools.run(
                        dir,
                        List.of(
                                curl,
                                "-sS",
                                "--http2",
                                "--data-binary",
                                "@" + uploadFile,
                                "-o",
                                body.toString(),
                                "-w",
                                "%{http_version}",
                                echo.uri(Transport.H2C, "/curl/upload").toString()))
                .succeeded();
        assertEquals("1.1", post.stdout());
        assertEquals(ProxyIT.sha256(upload), json(Files.readString(body)).getString("body_sha256"));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void h2loadSends2000RequestsOn4ConnectionsOf32StreamsAndAllSucceedOverHttp11ToTheBackend(Transport transport)
            throws Exception {
        String h2load = Tools.h2load();
        long before = versionBackend.versions().getOrDefault("HTTP/1.1", 0L);
        Tools.Result load = Tools.run(
                        dir,
                        List.of(
                                h2load,
                                "-c",
                                "4",
                                "-m",
                                "32",
                                "-n",
                                "2000",
                                versions.uri(transport, "/load").toString()))
                .succeeded();
        String report = load.stdout();
        System.out.println(report.lines()
                .filter(line -> line.startsWith("finished in") || line.startsWith("requests:"))
                .collect(Collectors.joining("\n", "h2load " + transport + ":\n", "")));
        assertTrue(report.contains("Application protocol: " + (transport == Transport.H2 ? "h2" : "h2c")), report);
        assertTrue(
                report.contains(
                        "requests: 2000 total, 2000 started, 2000 done, 2000 succeeded, 0 failed, 0 errored, 0 timeout"),
                report);
        assertTrue(report.contains("status codes: 2000 2xx, 0 3xx, 0 4xx, 0 5xx"), report);
        Map<String, Long> seen = versionBackend.versions();
        assertEquals(Set.of("HTTP/1.1"), seen.keySet(), seen.toString());
        assertEquals(before + 2000, seen.get("HTTP/1.1"));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void theJdkClientSpeaksHttp2AndTheBackendGetsHttp11(Transport transport) throws Exception {
        HttpResponse<String> get =
                versions.send(transport, versions.request(transport, "/jdk").build());
        assertEquals(200, get.statusCode());
        assertEquals("HTTP/1.1", get.body());
        HttpResponse<String> post = versions.send(
                transport,
                versions.request(transport, "/jdk")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[200_000]))
                        .build());
        assertEquals(200, post.statusCode());
        assertEquals("HTTP/1.1", post.body());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void requestsGoToTheBackendsInTurnAndSayWhichOneAnswered(Transport transport) throws Exception {
        Map<String, Integer> answered = new HashMap<>();
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> response =
                    echo.send(transport, echo.request(transport, "/turn").build());
            assertEquals(200, response.statusCode());
            String server = json(response).getString("server");
            assertEquals(List.of(server), response.headers().allValues("X-Backend-Server"));
            answered.merge(server, 1, Integer::sum);
        }
        assertEquals(Map.of(backends.get(0).name(), 2, backends.get(1).name(), 2), answered);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void backendsGetForwardingHeadersAndNeverTheClientsSpoofedOnes(Transport transport) throws Exception {
        HttpResponse<String> response = echo.send(
                transport,
                echo.request(transport, "/headers")
                        .header("X-Backend-Server", "10.6.6.6:666")
                        .header("X-Forwarded-By", "mallory")
                        .header("X-Forwarded-For", "203.0.113.7")
                        .header("X-Forwarded-Proto", transport == Transport.H2 ? "http" : "https")
                        .header("Via", "1.1 edge")
                        .build());
        JsonObject headers = json(response).getJsonObject("headers");
        String backend = json(response).getString("server");
        String host = "127.0.0.1:" + echo.portOf(transport);
        assertEquals(List.of("jlb"), values(headers, "X-Forwarded-By"));
        assertEquals(List.of(backend), values(headers, "X-Backend-Server"));
        assertEquals(List.of("203.0.113.7, 127.0.0.1"), values(headers, "X-Forwarded-For"));
        assertEquals(List.of(transport.scheme), values(headers, "X-Forwarded-Proto"));
        assertEquals(List.of(host), values(headers, "X-Forwarded-Host"));
        // The protocol jlb received the request in (RFC 9110, 7.6.3): HTTP/2, which Jetty calls 2.0.
        assertEquals(List.of("1.1 edge, 2.0 jlb"), values(headers, "Via"));
        assertEquals(
                List.of("by=\"127.0.0.1\";for=\"127.0.0.1\";host=\"" + host + "\";proto=" + transport.scheme),
                values(headers, "Forwarded"));
        assertEquals(List.of(backend), values(headers, "Host"));
        assertEquals(List.of(backend), response.headers().allValues("X-Backend-Server"));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void methodPathQueryHeadersAndBodyArriveIntact(Transport transport) throws Exception {
        byte[] body = "{\"hello\": \"world\"}".getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> response = echo.send(
                transport,
                echo.request(transport, "/a/b%20c/d?x=1&y=%2F&x=2")
                        .header("X-Custom", "one")
                        .header("Content-Type", "application/json")
                        .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(body))
                        .build());
        assertEquals(200, response.statusCode());
        JsonObject echoed = json(response);
        assertEquals("PATCH", echoed.getString("method"));
        assertEquals("/a/b%20c/d", echoed.getString("path"));
        assertEquals("x=1&y=%2F&x=2", echoed.getString("query"));
        assertEquals(List.of("one"), values(echoed.getJsonObject("headers"), "X-Custom"));
        assertEquals(List.of("application/json"), values(echoed.getJsonObject("headers"), "Content-Type"));
        assertEquals(body.length, echoed.getInt("body_bytes"));
        assertEquals(ProxyIT.sha256(body), echoed.getString("body_sha256"));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aFiveMegabytePostArrivesIntact(Transport transport) throws Exception {
        byte[] body = new byte[5 * 1024 * 1024];
        new Random(5).nextBytes(body);
        HttpResponse<String> response = echo.send(
                transport,
                echo.request(transport, "/upload")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build());
        assertEquals(200, response.statusCode());
        JsonObject echoed = json(response);
        assertEquals(body.length, echoed.getInt("body_bytes"));
        assertEquals(ProxyIT.sha256(body), echoed.getString("body_sha256"));
        // Its length goes with it, as for an HTTP/1.1 client.
        assertEquals(List.of(String.valueOf(body.length)), values(echoed.getJsonObject("headers"), "Content-Length"));
        assertEquals(List.of(), values(echoed.getJsonObject("headers"), "Transfer-Encoding"));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aTenMegabyteAnswerArrivesIntact(Transport transport) throws Exception {
        String path = "/download?size=" + 10 * 1024 * 1024;
        HttpResponse<byte[]> response =
                echo.send(transport, echo.request(transport, path).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode());
        assertEquals(10 * 1024 * 1024, response.body().length);
        // Byte for byte what the backend sends when asked directly.
        String backend = response.headers().firstValue("X-Backend-Server").orElseThrow();
        byte[] direct = Http.CLIENT
                .send(
                        HttpRequest.newBuilder(URI.create("http://" + backend + path))
                                .timeout(Http.TIMEOUT)
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray())
                .body();
        assertEquals(ProxyIT.sha256(direct), ProxyIT.sha256(response.body()));
    }

    @Test
    void aDeadBackendGives502ASilentOne504AndNoHealthyBackend503() throws Exception {
        // A dead and a silent backend for each transport, each named by a route.
        Map<Transport, TestServer> dead = new EnumMap<>(Transport.class);
        Map<Transport, ScriptedBackend> silent = new EnumMap<>(Transport.class);
        try {
            List<String> backendList = new ArrayList<>();
            for (Transport transport : Transport.values()) {
                dead.put(transport, new TestServer("127.0.0.1", 0).start());
                silent.put(transport, new ScriptedBackend(requestLine -> null));
                backendList.add(dead.get(transport).name() + "@dead-" + transport);
                backendList.add(silent.get(transport).name() + "@silent-" + transport);
            }
            try (Jlb jlb = Jlb.started(
                    String.join(",", backendList),
                    Map.of(
                            // One check each at start-up, then none in the test's time.
                            "--health-check-interval", "3600",
                            "--retries", "0",
                            "--failures-before-eject", "1",
                            "--backend-timeout", "1",
                            // A request aims at a backend with jlb's cookie, which names its route.
                            "--sticky", "cookie"))) {
                // All passed their first check; now the dead ones' processes are gone and their ports refuse.
                for (TestServer server : dead.values()) {
                    server.close();
                }
                for (Transport transport : Transport.values()) {
                    HttpResponse<String> refused = jlb.send(
                            transport,
                            jlb.request(transport, "/first")
                                    .header("Cookie", "JLB_ROUTE=dead-" + transport)
                                    .build());
                    assertEquals(502, refused.statusCode(), refused.body());
                    assertJsonError(refused);
                    // As every answer to a proxied request: which backend it went to.
                    assertEquals(
                            List.of(dead.get(transport).name()),
                            refused.headers().allValues("X-Backend-Server"));

                    long start = System.nanoTime();
                    HttpResponse<String> silence = jlb.send(
                            transport,
                            jlb.request(transport, "/second")
                                    .header("Cookie", "JLB_ROUTE=silent-" + transport)
                                    .build());
                    Duration waited = Duration.ofNanos(System.nanoTime() - start);
                    assertEquals(504, silence.statusCode(), silence.body());
                    assertJsonError(silence);
                    assertEquals(
                            List.of(silent.get(transport).name()),
                            silence.headers().allValues("X-Backend-Server"));
                    assertTrue(waited.compareTo(Duration.ofMillis(900)) >= 0, waited.toString());
                    assertTrue(waited.compareTo(Duration.ofSeconds(10)) < 0, waited.toString());
                    // What the silent backend got: HTTP/1.1.
                    assertEquals(
                            List.of("GET /second HTTP/1.1"),
                            silent.get(transport).requestLines());
                }

                // All are out now (refused, or failed once): nobody to send to.
                for (Transport transport : Transport.values()) {
                    HttpResponse<String> none =
                            jlb.send(transport, jlb.request(transport, "/third").build());
                    assertEquals(503, none.statusCode(), none.body());
                    assertJsonError(none);
                    assertEquals(List.of(), none.headers().allValues("X-Backend-Server"));
                    HttpResponse<String> health = jlb.send(
                            transport, jlb.request(transport, "/lb-health").build());
                    assertEquals(503, health.statusCode());
                    assertEquals("down", json(health).getString("status"));
                }
                for (ScriptedBackend backend : silent.values()) {
                    assertEquals(List.of("GET /second HTTP/1.1"), backend.requestLines());
                }
            }
        } finally {
            for (TestServer server : dead.values()) {
                server.close();
            }
            for (ScriptedBackend backend : silent.values()) {
                backend.close();
            }
        }
    }

    @Test
    void aStreamedAnswerReachesHttp2ClientsPartByPart() throws Exception {
        try (HeldStreamBackend first = new HeldStreamBackend("text/event-stream");
                HeldStreamBackend second = new HeldStreamBackend("text/event-stream");
                Jlb jlb = Jlb.started(first.name() + "," + second.name(), Map.of())) {
            Map<String, HeldStreamBackend> byName = Map.of(first.name(), first, second.name(), second);
            for (Transport transport : Transport.values()) {
                HttpResponse<InputStream> response = jlb.client(transport)
                        .sendAsync(jlb.request(transport, "/events").build(), HttpResponse.BodyHandlers.ofInputStream())
                        .get(Http.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                assertEquals(HttpClient.Version.HTTP_2, response.version());
                assertEquals(200, response.statusCode());
                assertEquals(
                        "text/event-stream",
                        response.headers().firstValue("Content-Type").orElseThrow());
                HeldStreamBackend held = byName.get(
                        response.headers().firstValue("X-Backend-Server").orElseThrow());
                try (InputStream in = response.body()) {
                    // The backend holds back its second part until the first one has reached the client.
                    assertEquals(
                            HeldStreamBackend.FIRST,
                            assertTimeoutPreemptively(
                                    Http.TIMEOUT, () -> ProxyIT.readUntil(in, HeldStreamBackend.FIRST)),
                            transport.toString());
                    held.release();
                    String rest = assertTimeoutPreemptively(
                            Http.TIMEOUT, () -> new String(in.readAllBytes(), StandardCharsets.UTF_8));
                    assertEquals(HeldStreamBackend.LAST, rest, transport.toString());
                }
            }
        }
    }

    private static void assertJsonError(HttpResponse<String> response) {
        assertEquals(
                "application/json",
                response.headers().firstValue("Content-Type").orElseThrow());
        assertFalse(json(response).getString("error").isBlank());
    }

    /**
     * The values of a header as the backend echoed it, whatever the case of its name: HTTP/2
     * sends names in lower case, and jlb passes the names it does not know on as they came.
     */
    private static List<String> values(JsonObject headers, String name) {
        return headers.entrySet().stream()
                .filter(header -> header.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue)
                .map(value -> ((jakarta.json.JsonString) value).getString())
                .toList();
    }

    /** The launcher jar, HTTP and HTTPS on free ports of its own, in front of the given backends. */
    private static final class Jlb implements AutoCloseable {
        private final JlbProcess process;
        private final int port;
        private final int tlsPort;
        private final HttpClient tls;
        private HttpClient h2c;

        /** Starts it; {@link #awaitReady()} waits until it serves. */
        Jlb(String backendList, Map<String, String> options) throws Exception {
            port = JlbProcess.freePort();
            tlsPort = JlbProcess.freePort();
            Map<String, String> all = new LinkedHashMap<>();
            all.put("--backends", backendList);
            all.put("--port", String.valueOf(port));
            all.put("--tls-port", String.valueOf(tlsPort));
            all.put("--tls-cert", certPem.toString());
            all.put("--tls-key", keyPem.toString());
            all.put("--health-check-interval", "0.2");
            all.put("--health-check-timeout", "0.5");
            // Longer than any test: the h2c connection the JDK client upgraded is never closed idle under it.
            all.put("--client-timeout", "600");
            all.putAll(options);
            List<String> args = new ArrayList<>();
            all.forEach((option, value) -> {
                args.add(option);
                args.add(value);
            });
            process = JlbProcess.start(args.toArray(String[]::new));
            tls = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_2)
                    .sslContext(trustingCa)
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
        }

        static Jlb started(String backendList, Map<String, String> options) throws Exception {
            Jlb jlb = new Jlb(backendList, options);
            jlb.awaitReady();
            return jlb;
        }

        /** Waits until it listens and every backend has had its first health check. */
        void awaitReady() throws Exception {
            try {
                process.awaitLog(line -> line.contains("jlb listening on port " + port));
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> stats().getJsonArray("backends").stream()
                                .noneMatch(b -> b.asJsonObject().isNull("last_health_check")));
            } catch (RuntimeException | Error e) {
                process.close();
                throw e;
            }
        }

        int portOf(Transport transport) {
            return transport == Transport.H2 ? tlsPort : port;
        }

        URI uri(Transport transport, String pathAndQuery) {
            return URI.create(transport.scheme + "://127.0.0.1:" + portOf(transport) + pathAndQuery);
        }

        HttpRequest.Builder request(Transport transport, String pathAndQuery) {
            return HttpRequest.newBuilder(uri(transport, pathAndQuery)).timeout(Http.TIMEOUT);
        }

        /**
         * The JDK client for the transport. Over plain HTTP it asks for h2c with {@code Upgrade} on
         * its first request, which Jetty grants to a request without a body only; that first
         * request is made here, and the client keeps the HTTP/2 connection for the rest.
         */
        synchronized HttpClient client(Transport transport) throws Exception {
            if (transport == Transport.H2) {
                return tls;
            }
            if (h2c == null) {
                HttpClient client = HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_2)
                        .connectTimeout(Duration.ofSeconds(5))
                        .build();
                HttpResponse<String> upgrade =
                        client.send(request(transport, "/lb-health").build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(HttpClient.Version.HTTP_2, upgrade.version(), "no upgrade to h2c");
                h2c = client;
            }
            return h2c;
        }

        /** Sends over the transport and checks that the answer came over HTTP/2. */
        <T> HttpResponse<T> send(Transport transport, HttpRequest request, HttpResponse.BodyHandler<T> body)
                throws Exception {
            HttpResponse<T> response = client(transport).send(request, body);
            assertEquals(HttpClient.Version.HTTP_2, response.version(), request + " was not answered over HTTP/2");
            return response;
        }

        HttpResponse<String> send(Transport transport, HttpRequest request) throws Exception {
            return send(transport, request, HttpResponse.BodyHandlers.ofString());
        }

        JsonObject stats() {
            return json(Http.get(URI.create("http://127.0.0.1:" + port + "/lb-stats")));
        }

        /** Stops it, after checking that every backend's in-flight count is back to 0. */
        @Override
        public void close() throws Exception {
            try {
                if (process.isAlive()) {
                    await("connections back to 0")
                            .atMost(Duration.ofSeconds(15))
                            .until(() -> stats().getJsonArray("backends").stream()
                                            .map(JsonValue::asJsonObject)
                                            .mapToInt(b -> b.getInt("connections"))
                                            .sum()
                                    == 0);
                }
            } finally {
                process.close();
            }
        }
    }
}
