package dev.jlb.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jlb.testserver.TestServer;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Several jlb processes with the same configuration in front of the same backends behave as one:
 * sessions and hash keys land on the same backend whichever instance a client reaches, and one
 * instance can be replaced while a client spreads its requests over all of them.
 */
class SeveralInstancesIT {
    private static final Duration STARTUP = Duration.ofSeconds(90);

    /** Starts one jlb on a free port and waits until its /lb-health answers 200, as a readiness probe does. */
    private static JlbProcess startInstance(int port, List<String> arguments) throws Exception {
        List<String> command =
                new ArrayList<>(List.of("--port", String.valueOf(port), "--health-check-interval", "0.2"));
        command.addAll(arguments);
        JlbProcess jlb = JlbProcess.start(command.toArray(String[]::new));
        // Longer than awaitLog's bound: a JVM start on a busy 2-core machine took 36 s once.
        await().atMost(STARTUP)
                .until(() -> !jlb.isAlive()
                        || jlb.stderr().stream().anyMatch(line -> line.contains("jlb listening on port " + port)));
        await().atMost(STARTUP).until(() -> ready(port));
        return jlb;
    }

    private static boolean ready(int port) {
        try {
            return Http.get(uri(port, "/lb-health")).statusCode() == 200;
        } catch (RuntimeException notYet) {
            return false;
        }
    }

    private static URI uri(int port, String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static HttpResponse<String> get(int port, String path, String header, String value) {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(uri(port, path)).timeout(Http.TIMEOUT).GET();
        if (header != null) {
            request.header(header, value);
        }
        return Http.send(request.build());
    }

    private static String backendOf(HttpResponse<String> response) {
        return response.headers().firstValue("X-Backend-Server").orElseThrow();
    }

    /** {@code JLB_ROUTE=value} out of the response's Set-Cookie, or null when it sets none. */
    private static String cookieSet(HttpResponse<String> response) {
        return response.headers()
                .firstValue("Set-Cookie")
                .map(cookie -> cookie.substring(0, cookie.indexOf(';')))
                .orElse(null);
    }

    private static String list(List<TestServer> servers, String... routes) {
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            entries.add(servers.get(i).name() + (i < routes.length ? "@" + routes[i] : ""));
        }
        return String.join(",", entries);
    }

    private static List<TestServer> reversed(Backends backends) {
        List<TestServer> servers = new ArrayList<>(backends.all());
        Collections.reverse(servers);
        return servers;
    }

    private static void closeAll(List<JlbProcess> instances) throws InterruptedException {
        for (JlbProcess instance : instances) {
            instance.close();
        }
    }

    @Test
    void aStickyCookieSetByOneInstanceRoutesToTheSameBackendThroughTheOther() throws Exception {
        try (Backends backends = Backends.start(3)) {
            int portA = JlbProcess.freePort();
            int portB = JlbProcess.freePort();
            // The second instance lists the backends in another order: the derived ids come from
            // HOST:PORT alone, so the order of the list must not matter either.
            List<JlbProcess> instances = List.of(
                    startInstance(portA, List.of("--backends", list(backends.all()), "--sticky", "cookie")),
                    startInstance(portB, List.of("--backends", list(reversed(backends)), "--sticky", "cookie")));
            try {
                for (int[] pair : new int[][] {{portA, portB}, {portB, portA}}) {
                    Map<String, String> backendByCookie = new LinkedHashMap<>();
                    for (int i = 0; i < 6; i++) {
                        HttpResponse<String> first = get(pair[0], "/login/" + i, null, null);
                        String cookie = cookieSet(first);
                        assertNotNull(cookie, "a new session gets a cookie");
                        backendByCookie.put(cookie, backendOf(first));
                    }
                    assertEquals(3, backendByCookie.size(), "round robin binds sessions to every backend");
                    for (Map.Entry<String, String> session : backendByCookie.entrySet()) {
                        for (int i = 0; i < 5; i++) {
                            HttpResponse<String> next = get(pair[1], "/cart/" + i, "Cookie", session.getKey());
                            assertEquals(
                                    session.getValue(),
                                    backendOf(next),
                                    session.getKey() + " set by :" + pair[0] + " went elsewhere through :" + pair[1]);
                            assertNull(cookieSet(next), "the other instance knew the route: it binds nothing anew");
                        }
                    }
                }
            } finally {
                closeAll(instances);
            }
        }
    }

    @Test
    void theJvmRouteOfJsessionidNamesTheSameBackendThroughEveryInstance() throws Exception {
        try (Backends backends = Backends.start(3)) {
            List<String> arguments =
                    List.of("--backends", list(backends.all(), "node1", "node2", "node3"), "--sticky", "jsessionid");
            int portA = JlbProcess.freePort();
            int portB = JlbProcess.freePort();
            List<JlbProcess> instances = List.of(startInstance(portA, arguments), startInstance(portB, arguments));
            try {
                for (int node = 1; node <= 3; node++) {
                    String session = "JSESSIONID=5E55" + node + "A.node" + node;
                    for (int i = 0; i < 4; i++) {
                        for (int port : List.of(portA, portB)) {
                            assertEquals(
                                    backends.get(node - 1).name(),
                                    backendOf(get(port, "/app/" + i, "Cookie", session)),
                                    session + " through :" + port);
                        }
                    }
                }
            } finally {
                closeAll(instances);
            }
        }
    }

    @Test
    void consistentHashSendsEveryKeyToTheSameBackendThroughEveryInstance() throws Exception {
        try (Backends backends = Backends.start(3)) {
            List<String> hashing = List.of("--algorithm", "consistent_hash", "--hash-key", "header:X-User");
            List<String> sameList = new ArrayList<>(List.of("--backends", list(backends.all())));
            sameList.addAll(hashing);
            List<String> otherOrder = new ArrayList<>(List.of("--backends", list(reversed(backends))));
            otherOrder.addAll(hashing);
            List<Integer> ports = List.of(JlbProcess.freePort(), JlbProcess.freePort(), JlbProcess.freePort());
            List<JlbProcess> instances = List.of(
                    startInstance(ports.get(0), sameList),
                    startInstance(ports.get(1), sameList),
                    startInstance(ports.get(2), otherOrder));
            try {
                Map<String, String> backendByUser = new LinkedHashMap<>();
                for (int user = 0; user < 60; user++) {
                    backendByUser.put(
                            "user-" + user, backendOf(get(ports.get(0), "/profile", "X-User", "user-" + user)));
                }
                Set<String> used = new HashSet<>(backendByUser.values());
                assertEquals(3, used.size(), "60 keys spread over every backend: " + backendByUser);
                for (int port : ports.subList(1, ports.size())) {
                    for (Map.Entry<String, String> user : backendByUser.entrySet()) {
                        assertEquals(
                                user.getValue(),
                                backendOf(get(port, "/profile", "X-User", user.getKey())),
                                user.getKey() + " through :" + port);
                    }
                }
            } finally {
                closeAll(instances);
            }
        }
    }

    @Test
    void anInstanceTakenOutOfRotationStoppedAndStartedAgainCostsNoClientRequest() throws Exception {
        try (Backends backends = Backends.start(2)) {
            List<String> arguments = List.of("--backends", list(backends.all()), "--shutdown-grace", "10");
            int portA = JlbProcess.freePort();
            int portB = JlbProcess.freePort();
            JlbProcess instanceA = startInstance(portA, arguments);
            JlbProcess instanceB = startInstance(portB, arguments);
            try (SpreadingClient client =
                    SpreadingClient.over(List.of(portA, portB), 4, 20_000, Duration.ofMinutes(2), "delay_ms=5")) {
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> client.served(portA) >= 50 && client.served(portB) >= 50);

                // What Kubernetes does: the endpoint goes, the preStop pause lets that reach every
                // client, then SIGTERM; here the client drops the instance and finishes what it sent.
                client.remove(portA);
                await().atMost(Duration.ofSeconds(10)).until(() -> client.inFlight(portA) == 0);
                long servedByOldA = client.served(portA);
                instanceA.signalTerm();
                assertEquals(0, instanceA.awaitExit(Duration.ofSeconds(30)));
                instanceA.close();

                instanceA = startInstance(portA, arguments);
                client.add(portA);
                long servedByB = client.served(portB);
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> !client.isRunning()
                                || (client.served(portA) >= servedByOldA + 200
                                        && client.served(portB) >= servedByB + 200));
                client.close();

                System.out.printf(
                        "restart out of rotation: %d requests, %d served by A, %d by B, %d failed%n",
                        client.sent(),
                        client.served(portA),
                        client.served(portB),
                        client.failures().size());
                assertEquals(List.of(), client.failures(), "every client request must succeed");
                assertTrue(client.served(portA) >= servedByOldA + 200, "the new instance took traffic");
            } finally {
                instanceA.close();
                instanceB.close();
            }
        }
    }

    @Test
    void sigtermWhileStillInRotationFinishesEveryRequestItTookAndOnlyRefusesNewConnections() throws Exception {
        try (Backends backends = Backends.start(2)) {
            List<String> arguments = List.of("--backends", list(backends.all()), "--shutdown-grace", "10");
            int portA = JlbProcess.freePort();
            int portB = JlbProcess.freePort();
            JlbProcess instanceA = startInstance(portA, arguments);
            JlbProcess instanceB = startInstance(portB, arguments);
            try (SpreadingClient client =
                    SpreadingClient.over(List.of(portA, portB), 6, 20_000, Duration.ofMinutes(2), "delay_ms=300")) {
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> client.served(portA) >= 10 && client.inFlight(portA) >= 2);
                long inFlightAtSigterm = client.inFlight(portA);
                long servedBefore = client.served(portA);
                long sigtermAt = System.nanoTime();
                instanceA.signalTerm();
                assertEquals(0, instanceA.awaitExit(Duration.ofSeconds(30)));
                // Only now would the endpoint go: until then the client kept sending to A.
                client.remove(portA);
                long servedByB = client.served(portB);
                await().atMost(Duration.ofSeconds(30)).until(() -> client.served(portB) >= servedByB + 20);
                client.close();

                List<SpreadingClient.Failure> failures = client.failures();
                Map<String, Long> kinds = failures.stream()
                        .collect(Collectors.groupingBy(
                                failure -> failure.what().replaceAll(":.*", ""), Collectors.counting()));
                System.out.printf(
                        "sigterm in rotation: %d in flight at SIGTERM, %d served by A after it, %d requests failed %s%n",
                        inFlightAtSigterm, client.served(portA) - servedBefore, failures.size(), failures);
                assertTrue(
                        client.served(portA) - servedBefore >= inFlightAtSigterm,
                        "the requests in flight at SIGTERM finished with 200");
                assertTrue(
                        failures.stream().noneMatch(failure -> failure.port() == portB), "B never failed: " + failures);
                assertTrue(
                        failures.stream()
                                .allMatch(failure -> failure.sentAtNanos() > sigtermAt
                                        && failure.what().startsWith(ConnectException.class.getName())),
                        "the only failures are new connections refused by the stopped listener: " + kinds);
            } finally {
                instanceA.close();
                instanceB.close();
            }
        }
    }
}
