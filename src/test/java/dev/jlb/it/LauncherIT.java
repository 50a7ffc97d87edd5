package dev.jlb.it;

import static dev.jlb.it.RunningBalancer.json;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jlb.testserver.TestServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The launcher as an operator runs it: {@code java -jar target/jlb.jar ...}. */
class LauncherIT {
    private static URI uri(int port, String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static String listening(JlbProcess jlb) {
        return jlb.awaitLog(line -> line.contains("jlb listening on port"));
    }

    @Test
    void helpListsEveryOptionOnStdout() throws Exception {
        JlbProcess.Outcome help = JlbProcess.run("--help");
        assertEquals(0, help.status());
        assertEquals(List.of(), help.stderr());
        String text = String.join("\n", help.stdout());
        for (String option : List.of(
                "-p, --port",
                "-b, --backends",
                "-a, --algorithm",
                "--health-check-interval",
                "--health-check-path",
                "--health-check-timeout",
                "--backend-timeout",
                "--demo",
                "-h, --help",
                "-V, --version",
                "--access-log",
                "--sticky",
                "--sticky-cookie",
                "--hash-key",
                "--hash-balance-factor",
                "--slow-start",
                "--dns-server",
                "--dns-refresh",
                "dns:NAME:PORT",
                "srv:NAME",
                "HOST:PORT[=WEIGHT][@ROUTE]",
                "consistent_hash",
                "test-server")) {
            assertTrue(text.contains(option), option + " missing from:\n" + text);
        }
    }

    @Test
    void versionPrintsToStdout() throws Exception {
        for (String flag : List.of("--version", "-V")) {
            JlbProcess.Outcome version = JlbProcess.run(flag);
            assertEquals(0, version.status());
            assertEquals(1, version.stdout().size(), version.stdout().toString());
            assertTrue(
                    version.stdout().get(0).matches("jlb \\d+\\.\\d+\\.\\d+.*"),
                    version.stdout().get(0));
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "--algorithm|fastest|--algorithm|round_robin, least_connections, random, weighted_round_robin",
                "-a|fastest|--algorithm|unknown algorithm",
                "--port|0|--port|1-65535",
                "--port|65536|--port|1-65535",
                "-p|http|--port|not a port",
                "--backends|localhost|--backends|HOST:PORT",
                "--backends|127.0.0.1:80=0|--backends|weight",
                "--backends|127.0.0.1:80=heavy|--backends|weight",
                "--backends|''|--backends|empty",
                "-b|127.0.0.1:99999|--backends|port",
                "--health-check-interval|0|--health-check-interval|positive number",
                "--health-check-interval|-1|--health-check-interval|positive number",
                "--health-check-timeout|often|--health-check-timeout|positive number",
                "--backend-timeout|0|--backend-timeout|positive number",
                "--health-check-path|health|--health-check-path|'/'",
                "--no-such-option|x|--no-such-option|Unknown option",
            })
    void aBadOptionExitsWith2AndOneLineNamingIt(String option, String value, String named, String says)
            throws Exception {
        JlbProcess.Outcome outcome = JlbProcess.run(option, value);
        assertEquals(2, outcome.status(), outcome.toString());
        assertEquals(1, outcome.stderr().size(), outcome.stderr().toString());
        String line = outcome.stderr().get(0);
        assertTrue(line.contains(named), line);
        assertTrue(line.contains(says), line);
        assertEquals(List.of(), outcome.stdout());
    }

    @Test
    void aBadEnvironmentVariableExitsWith2NamingIt() throws Exception {
        JlbProcess.Outcome outcome = JlbProcess.run(
                Map.of("JLB_HEALTH_CHECK_INTERVAL", "soon"), "--port", String.valueOf(JlbProcess.freePort()));
        assertEquals(2, outcome.status());
        assertEquals(
                List.of("jlb: environment variable JLB_HEALTH_CHECK_INTERVAL: 'soon' is not a positive number"
                        + " of seconds"),
                outcome.stderr());
    }

    @Test
    void aPortInUseExitsWith1AndSaysSo() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("0.0.0.0"))) {
            JlbProcess.Outcome outcome = JlbProcess.run("--port", String.valueOf(taken.getLocalPort()));
            assertEquals(1, outcome.status());
            assertEquals(List.of("jlb: port " + taken.getLocalPort() + " is already in use"), outcome.stderr());
        }
    }

    @Test
    void logsOneStartLineWithPortAlgorithmAndBackendsThenProxies() throws Exception {
        try (Backends backends = Backends.start(2)) {
            int port = JlbProcess.freePort();
            String list = backends.get(0).name() + "," + backends.get(1).name() + "=3";
            try (JlbProcess jlb =
                    JlbProcess.start("-p", String.valueOf(port), "-b", list, "-a", "weighted_round_robin")) {
                String line = listening(jlb);
                assertTrue(line.contains("port " + port), line);
                assertTrue(line.contains("weighted_round_robin"), line);
                assertTrue(
                        line.contains(backends.get(0).name())
                                && line.contains(backends.get(1).name() + "=3"),
                        line);
                for (int i = 0; i < 8; i++) {
                    assertEquals(200, Http.get(uri(port, "/")).statusCode());
                }
                assertEquals(2, backends.get(0).requests());
                assertEquals(6, backends.get(1).requests());
            }
        }
    }

    @Test
    void optionsWinOverSystemPropertiesOverEnvironmentOverWebXml() throws Exception {
        record Case(List<String> jvm, Map<String, String> env, List<String> args, String algorithm) {}
        List<Case> cases = List.of(
                new Case(List.of(), Map.of(), List.of(), "round_robin"),
                new Case(List.of(), Map.of("JLB_ALGORITHM", "random"), List.of(), "random"),
                new Case(
                        List.of("-Djlb.algorithm=least_connections"),
                        Map.of("JLB_ALGORITHM", "random"),
                        List.of(),
                        "least_connections"),
                new Case(
                        List.of("-Djlb.algorithm=least_connections"),
                        Map.of("JLB_ALGORITHM", "random"),
                        List.of("--algorithm", "weighted_round_robin"),
                        "weighted_round_robin"));
        for (Case c : cases) {
            int port = JlbProcess.freePort();
            List<String> args = new ArrayList<>(List.of("--port", String.valueOf(port)));
            args.addAll(c.args());
            try (JlbProcess jlb = JlbProcess.start(c.jvm(), c.env(), args.toArray(String[]::new))) {
                listening(jlb);
                assertEquals(
                        c.algorithm(), json(Http.get(uri(port, "/lb-stats"))).getString("algorithm"), c.toString());
            }
        }
    }

    @Test
    void eachHealthChangeIsLoggedOnceNamingTheBackend() throws Exception {
        try (Backends backends = Backends.start(1)) {
            TestServer backend = backends.get(0);
            int port = JlbProcess.freePort();
            try (JlbProcess jlb = JlbProcess.start(
                    "-p",
                    String.valueOf(port),
                    "-b",
                    backend.name(),
                    "--health-check-interval",
                    "0.2",
                    "--health-check-timeout",
                    "0.5")) {
                listening(jlb);
                backend.setHealthy(false);
                jlb.awaitLog(line -> line.contains(backend.name()) && line.contains("DOWN"));
                long checks = backend.healthChecks();
                await().until(() -> backend.healthChecks() >= checks + 3);
                backend.setHealthy(true);
                jlb.awaitLog(line -> line.contains(backend.name()) && line.contains("UP"));
                long more = backend.healthChecks();
                await().until(() -> backend.healthChecks() >= more + 3);
                List<String> changes = jlb.stderr().stream()
                        .filter(line ->
                                line.contains(backend.name()) && (line.contains(" is DOWN") || line.contains(" is UP")))
                        .toList();
                assertEquals(2, changes.size(), changes.toString());
                assertTrue(changes.get(0).contains("unhealthy"), changes.get(0));
                assertTrue(changes.get(1).contains("(healthy)"), changes.get(1));
            }
        }
    }

    @Test
    void demoAnswersFromItsThreeBackendsInTurn() throws Exception {
        int port = JlbProcess.freePort();
        try (JlbProcess jlb = JlbProcess.start("--demo", "--port", String.valueOf(port))) {
            listening(jlb);
            List<String> servers = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                HttpResponse<String> response = Http.get(uri(port, "/"));
                assertEquals(200, response.statusCode());
                servers.add(json(response).getString("server"));
            }
            // In the configured order from the first request, as the README's demo shows it.
            assertEquals(
                    List.of(
                            "127.0.0.1:3001",
                            "127.0.0.1:3002",
                            "127.0.0.1:3003",
                            "127.0.0.1:3001",
                            "127.0.0.1:3002",
                            "127.0.0.1:3003"),
                    servers);
            json(Http.get(uri(port, "/lb-stats")))
                    .getJsonArray("backends")
                    .forEach(b -> assertEquals(2, b.asJsonObject().getInt("requests")));
        }
    }

    @Test
    void weightsFiveOneOneGiveTheSmoothNginxCycleFromTheFirstRequest() throws Exception {
        int port = JlbProcess.freePort();
        try (JlbProcess jlb = JlbProcess.start(
                "--demo",
                "--port",
                String.valueOf(port),
                "-a",
                "weighted_round_robin",
                "--backends",
                "127.0.0.1:3001=5,127.0.0.1:3002,127.0.0.1:3003")) {
            listening(jlb);
            List<String> servers = new ArrayList<>();
            for (int i = 0; i < 14; i++) {
                HttpResponse<String> response = Http.get(uri(port, "/"));
                assertEquals(200, response.statusCode());
                servers.add(json(response).getString("server").substring("127.0.0.1:".length()));
            }
            List<String> cycle = List.of("3001", "3001", "3002", "3001", "3003", "3001", "3001");
            assertEquals(cycle, servers.subList(0, 7));
            assertEquals(cycle, servers.subList(7, 14));
        }
    }

    @Test
    void testServerListensOnPortFromOptionOrEnvironment() throws Exception {
        int port = JlbProcess.freePort();
        try (JlbProcess server = JlbProcess.start(List.of(), Map.of("PORT", String.valueOf(port)), "test-server")) {
            server.awaitLog(line -> line.contains("test server 127.0.0.1:" + port + " listening"));
            assertEquals(200, Http.get(uri(port, "/health")).statusCode());
            HttpResponse<String> echo = Http.get(uri(port, "/hello?x=1"));
            assertEquals("127.0.0.1:" + port, json(echo).getString("server"));
            assertEquals("GET", json(echo).getString("method"));
            assertEquals("/hello", json(echo).getString("path"));
        }
        int other = JlbProcess.freePort();
        try (JlbProcess server = JlbProcess.start("test-server", "--port", String.valueOf(other))) {
            server.awaitLog(line -> line.contains("listening"));
            assertEquals("127.0.0.1:" + other, json(Http.get(uri(other, "/"))).getString("server"));
        }
        JlbProcess.Outcome bad = JlbProcess.run("test-server", "--port", "0");
        assertEquals(2, bad.status());
        assertEquals(1, bad.stderr().size());
        assertTrue(bad.stderr().get(0).contains("--port"), bad.stderr().toString());
    }

    @Test
    void writesAnAccessLogOnlyWhenAsked(@TempDir Path logs) throws Exception {
        Path accessLog = logs.resolve("access.log");
        try (Backends backends = Backends.start(1)) {
            int port = JlbProcess.freePort();
            try (JlbProcess jlb = JlbProcess.start(
                    "-p", String.valueOf(port), "-b", backends.get(0).name(), "--access-log", accessLog.toString())) {
                listening(jlb);
                Http.get(uri(port, "/logged?q=1"));
                await().until(() -> Files.exists(accessLog)
                        && Files.readString(accessLog).contains("GET /logged?q=1 HTTP/1.1\" 200"));
                assertFalse(jlb.stderr().stream().anyMatch(line -> line.contains("/logged")));
            }
        }
    }
}
