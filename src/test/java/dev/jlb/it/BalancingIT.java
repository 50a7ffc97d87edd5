package dev.jlb.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jlb.testserver.TestServer;
import jakarta.json.JsonObject;
import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The second stage's rules end to end, on real sockets: consistent hashing by a request key,
 * latency-aware picks against a backend that is really slow, and slow start.
 */
class BalancingIT {
    private static final String TOKEN = "balancing-test-token";

    private static String backendFor(RunningBalancer balancer, String user) {
        HttpResponse<String> response = Http.send(HttpRequest.newBuilder(balancer.uri("/items"))
                .timeout(Http.TIMEOUT)
                .header("X-User", user)
                .build());
        assertEquals(200, response.statusCode(), response.body());
        return response.headers().firstValue("X-Backend-Server").orElseThrow();
    }

    /** The backend each of the keys goes to. */
    private static Map<String, String> placement(RunningBalancer balancer, int keys) {
        Map<String, String> placement = new LinkedHashMap<>();
        for (int k = 0; k < keys; k++) {
            placement.put("user-" + k, backendFor(balancer, "user-" + k));
        }
        return placement;
    }

    @Test
    void consistentHashingKeepsAKeyOnOneBackendAgreesAcrossInstancesAndMovesOnlyTheKeysOfOneThatLeaves()
            throws Exception {
        Map<String, String> options =
                Map.of("algorithm", "consistent_hash", "hashKey", "header:X-User", "adminToken", TOKEN);
        try (Backends backends = Backends.start(5);
                RunningBalancer first = RunningBalancer.inFrontOf(backends.all(), options);
                RunningBalancer second = RunningBalancer.inFrontOf(backends.all(), options)) {
            Map<String, String> before = placement(first, 300);
            for (int i = 0; i < 5; i++) {
                assertEquals(before.get("user-7"), backendFor(first, "user-7"), "one key, one backend");
            }
            assertEquals(before, placement(second, 300), "two instances with the same backends disagree");
            Map<String, Integer> perBackend = new HashMap<>();
            before.values().forEach(b -> perBackend.merge(b, 1, Integer::sum));
            assertEquals(5, perBackend.size(), "300 keys did not reach every backend: " + perBackend);

            TestServer leaving = backends.get(2);
            assertEquals(
                    202,
                    new Admin(first, TOKEN)
                            .delete("/backends/" + leaving.name())
                            .statusCode());
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> first.stats().getJsonArray("backends").size() == 4);
            Map<String, String> after = placement(first, 300);
            int moved = 0;
            for (Map.Entry<String, String> key : before.entrySet()) {
                if (!key.getValue().equals(after.get(key.getKey()))) {
                    moved++;
                    assertEquals(leaving.name(), key.getValue(), key.getKey() + " moved though its backend stayed");
                }
            }
            System.out.println("consistent_hash end to end: " + moved + " of 300 keys moved when 1 of 5 left");
            // Exactly the leaving backend's keys move. Its share depends on the ports' hashes (26% once),
            // so a fixed bound near 1/5 would test luck; the ring's spread has its own property test.
            assertEquals(perBackend.get(leaving.name()), moved, "not exactly the leaving backend's keys moved");
        }
    }

    /** Ten concurrent requests with one hot key; returns how many backends answered them. */
    private static int backendsForAHotKey(String factor) throws Exception {
        try (Backends backends = Backends.start(5);
                RunningBalancer balancer = RunningBalancer.inFrontOf(
                        backends.all(),
                        Map.of("algorithm", "consistent_hash", "hashKey", "query:user", "hashBalanceFactor", factor))) {
            ExecutorService threads = Executors.newFixedThreadPool(10);
            try {
                List<Future<String>> answers = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    answers.add(threads.submit(() -> Http.get(balancer.uri("/hot?user=celebrity&delay_ms=1500"))
                            .headers()
                            .firstValue("X-Backend-Server")
                            .orElseThrow()));
                    // One at a time into flight, so that each sees the load of those before it.
                    int inFlight = i + 1;
                    await().atMost(Duration.ofSeconds(5)).until(() -> balancer.connectionsInFlight() == inFlight);
                }
                java.util.Set<String> used = new java.util.HashSet<>();
                for (Future<String> answer : answers) {
                    used.add(answer.get(30, TimeUnit.SECONDS));
                }
                return used.size();
            } finally {
                threads.shutdownNow();
            }
        }
    }

    @Test
    void aHotKeySpillsOverToOtherBackendsUnderTheLoadBoundAndStaysOnOneWithout() throws Exception {
        // 125%: a backend takes at most ceil(1.25 x (m + 1) / 5) in flight, so ten at once need four.
        assertTrue(backendsForAHotKey("125") >= 4, "the bound did not spread a hot key");
        assertEquals(1, backendsForAHotKey("0"), "without the bound one key stays on one backend");
    }

    /** Sends {@code total} requests from {@code clients} concurrent clients; returns the requests per backend. */
    private static Map<String, Integer> underLoad(RunningBalancer balancer, int clients, int total) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(clients);
        AtomicInteger remaining = new AtomicInteger(total);
        Map<String, Integer> counts = new java.util.concurrent.ConcurrentHashMap<>();
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                running.add(threads.submit(() -> {
                    while (remaining.getAndDecrement() > 0) {
                        HttpResponse<String> response = Http.get(balancer.uri("/work"));
                        assertEquals(200, response.statusCode());
                        counts.merge(
                                response.headers()
                                        .firstValue("X-Backend-Server")
                                        .orElseThrow(),
                                1,
                                Integer::sum);
                    }
                    return null;
                }));
            }
            for (Future<?> client : running) {
                client.get(120, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        return counts;
    }

    /**
     * Runs the load with one backend ten times slower than the two others (100 ms against 10 ms:
     * long enough that the scheduling noise of one JVM running clients, balancer and backends on
     * two cores does not make the fast ones look slow), after a warm-up, and returns the slow
     * backend's share of the measured requests.
     */
    private static double slowShare(String algorithm) throws Exception {
        try (Backends backends = Backends.start(3);
                RunningBalancer balancer = RunningBalancer.inFrontOf(backends.all(), Map.of("algorithm", algorithm))) {
            TestServer slow = backends.get(0);
            slow.delayEveryRequest(100);
            backends.get(1).delayEveryRequest(10);
            backends.get(2).delayEveryRequest(10);
            underLoad(balancer, 8, 600);
            Map<String, Integer> counts = underLoad(balancer, 8, 1500);
            int total = counts.values().stream().mapToInt(Integer::intValue).sum();
            int slowCount = counts.getOrDefault(slow.name(), 0);
            System.out.printf(
                    "%s end to end: the 10x slower backend got %.1f%% of %d requests (%d), after a warm-up%n",
                    algorithm, 100.0 * slowCount / total, total, slowCount);
            return slowCount / (double) total;
        }
    }

    @Test
    void peakEwmaGivesABackendTenTimesSlowerAtMost15Percent() throws Exception {
        double share = slowShare("peak_ewma");
        assertTrue(share <= 0.15, "share " + share);
    }

    @Test
    void leastRequestGivesASlowBackendLessThanItsRoundRobinShare() throws Exception {
        double share = slowShare("least_request");
        assertTrue(share < 1.0 / 3, "share " + share);
    }

    private static BigDecimal effectiveWeight(RunningBalancer balancer, TestServer backend) {
        JsonObject stats = balancer.backendStats(backend);
        return stats.getJsonNumber("effective_weight").bigDecimalValue();
    }

    @Test
    void aBackendThatJoinsTakesClearlyLessThanItsShareEarlyInTheSlowStartAndExactlyItAfter() throws Exception {
        try (Backends backends = Backends.start(3);
                RunningBalancer balancer = RunningBalancer.start(Map.of(
                        "backends",
                        backends.get(0).name() + "," + backends.get(1).name(),
                        "slowStart",
                        "6",
                        "adminToken",
                        TOKEN))) {
            TestServer joining = backends.get(2);
            assertEquals(
                    201,
                    new Admin(balancer, TOKEN)
                            .post("/backends", "{\"address\": \"" + joining.name() + "\"}")
                            .statusCode());
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> balancer.backendStats(joining).getBoolean("healthy"));
            // A batch counts only if the ramp was still in its first third when the batch ended:
            // the warmth only ever grows, so then it was throughout the batch.
            long sent = 0;
            long taken = 0;
            while (sent < 300) {
                long before = joining.requests();
                for (int i = 0; i < 30; i++) {
                    assertEquals(200, Http.get(balancer.uri("/early/" + i)).statusCode());
                }
                if (effectiveWeight(balancer, joining).compareTo(new BigDecimal("0.4")) > 0) {
                    break;
                }
                sent += 30;
                taken += joining.requests() - before;
            }
            assertTrue(sent >= 60, "the first third of the window went by before two batches were sent");
            double share = taken / (double) sent;
            System.out.printf(
                    "slow start end to end: %.1f%% of %d requests early in the window (full share 33.3%%)%n",
                    100 * share, sent);
            assertTrue(share < 0.2, "share early in the slow start: " + share);

            await().atMost(Duration.ofSeconds(10))
                    .until(() -> effectiveWeight(balancer, joining).compareTo(BigDecimal.ONE) == 0);
            long before = joining.requests();
            for (int i = 0; i < 90; i++) {
                assertEquals(200, Http.get(balancer.uri("/late/" + i)).statusCode());
            }
            assertEquals(30, joining.requests() - before, "after the window, exactly its round-robin share");
        }
    }
}
