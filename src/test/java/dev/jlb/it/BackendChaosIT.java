package dev.jlb.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jlb.testserver.TestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * Backends killed and restarted, or hung, under load from concurrent clients: no request lost
 * that could be saved, nothing answered twice, the balancer unaffected.
 */
class BackendChaosIT {
    private static final int CLIENTS = 8;
    private static final Duration LOAD = Duration.ofSeconds(10);
    private static final Map<String, String> CHECKS = Map.of("healthCheckInterval", "0.5", "healthCheckTimeout", "0.5");

    /** One client request's outcome: its id, status and which backend answered (or was tried last). */
    private record Outcome(String id, int status, String backend) {}

    /**
     * Runs the clients for the load duration while the script runs, and returns every outcome.
     */
    private static List<Outcome> underLoad(IntFunction<HttpRequest> request, ThrowingRunnable script) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS + 1);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger sequence = new AtomicInteger();
        List<Outcome> outcomes = java.util.Collections.synchronizedList(new ArrayList<>());
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                workers.add(clients.submit(() -> {
                    while (running.get()) {
                        int n = sequence.incrementAndGet();
                        HttpRequest r = request.apply(n);
                        HttpResponse<String> response = Http.send(r);
                        outcomes.add(new Outcome(
                                r.headers().firstValue("X-Request-Id").orElse(""),
                                response.statusCode(),
                                response.headers()
                                        .firstValue("X-Backend-Server")
                                        .orElse("")));
                    }
                    return null;
                }));
            }
            long end = System.nanoTime() + LOAD.toNanos();
            script.run();
            await().atMost(LOAD.plusSeconds(5)).until(() -> System.nanoTime() - end >= 0);
            running.set(false);
            for (Future<?> worker : workers) {
                worker.get(30, TimeUnit.SECONDS);
            }
        } finally {
            running.set(false);
            clients.shutdownNow();
        }
        return outcomes;
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    /**
     * Kills the victim once traffic flows, waits until the balancer has noticed, lets a good
     * number of requests go by while it is dead, then restarts it.
     */
    private static ThrowingRunnable killAndRestart(
            RunningBalancer balancer, TestServer victim, long[] requestsWhileDead) {
        return () -> {
            await().atMost(Duration.ofSeconds(10)).until(() -> victim.requests() > 300);
            victim.stop();
            await().atMost(Duration.ofSeconds(3))
                    .until(() -> !balancer.backendStats(victim).getBoolean("healthy"));
            long atDetection = balancer.backendStats(victim).getInt("requests");
            long proxied = totalRequests(balancer);
            await().atMost(Duration.ofSeconds(10)).until(() -> totalRequests(balancer) > proxied + 1000);
            requestsWhileDead[0] = balancer.backendStats(victim).getInt("requests") - atDetection;
            victim.start();
        };
    }

    private static long totalRequests(RunningBalancer balancer) {
        return balancer.stats().getJsonNumber("total_requests").longValue();
    }

    @Test
    void getsUnderLoadLoseNothingWhileABackendIsKilledAndRestarted() throws Exception {
        try (Backends backends = Backends.start(3);
                RunningBalancer balancer = RunningBalancer.inFrontOf(backends.all(), CHECKS)) {
            TestServer victim = backends.get(1);
            long[] requestsWhileDead = new long[1];
            List<Outcome> outcomes = underLoad(
                    n -> HttpRequest.newBuilder(balancer.uri("/get/" + n + "?delay_ms=5"))
                            .timeout(Http.TIMEOUT)
                            .header("X-Request-Id", "g" + n)
                            .build(),
                    killAndRestart(balancer, victim, requestsWhileDead));
            Map<Integer, Integer> statuses = new HashMap<>();
            outcomes.forEach(o -> statuses.merge(o.status(), 1, Integer::sum));
            System.out.println("kill test, GET: " + outcomes.size() + " requests, statuses " + statuses + ", retries "
                    + balancer.backendStats(victim).getInt("retries"));
            assertTrue(outcomes.size() > 1000, "only " + outcomes.size() + " requests");
            assertEquals(Map.of(200, outcomes.size()), statuses);
            assertEquals(0, requestsWhileDead[0], "the dead backend was sent requests after its death was noticed");
            await().until(() -> balancer.connectionsInFlight() == 0);
        }
    }

    @Test
    void postsUnderLoadAreAnsweredOnceByOneBackendWhileABackendIsKilledAndRestarted() throws Exception {
        try (Backends backends = Backends.start(3);
                RunningBalancer balancer = RunningBalancer.inFrontOf(backends.all(), CHECKS)) {
            TestServer victim = backends.get(1);
            long[] requestsWhileDead = new long[1];
            List<Outcome> outcomes = underLoad(
                    n -> HttpRequest.newBuilder(balancer.uri("/post/" + n + "?delay_ms=5"))
                            .timeout(Http.TIMEOUT)
                            .header("X-Request-Id", "p" + n)
                            .POST(HttpRequest.BodyPublishers.ofString("{\"order\": " + n + "}"))
                            .build(),
                    killAndRestart(balancer, victim, requestsWhileDead));

            Map<String, Integer> received = new HashMap<>();
            Map<String, String> receivedBy = new HashMap<>();
            for (TestServer backend : backends.all()) {
                for (String id : backend.requestIds()) {
                    received.merge(id, 1, Integer::sum);
                    receivedBy.put(id, backend.name());
                }
            }
            int errors = 0;
            for (Outcome outcome : outcomes) {
                int times = received.getOrDefault(outcome.id(), 0);
                if (outcome.status() == 200) {
                    assertEquals(1, times, outcome + " was received " + times + " times");
                    assertEquals(outcome.backend(), receivedBy.get(outcome.id()), outcome.toString());
                } else {
                    errors++;
                    assertEquals(502, outcome.status(), outcome.toString());
                    assertTrue(times <= 1, outcome + " was received " + times + " times");
                    // Only a POST already on its way to the dying backend may fail.
                    assertEquals(victim.name(), outcome.backend(), outcome.toString());
                }
            }
            System.out.println("kill test, POST: " + outcomes.size() + " requests, " + errors + " errors (502),"
                    + " retries " + balancer.backendStats(victim).getInt("retries"));
            assertTrue(outcomes.size() > 1000, "only " + outcomes.size() + " requests");
            assertTrue(errors <= CLIENTS, errors + " errors: more than the requests that can be in flight at once");
            assertEquals(0, requestsWhileDead[0], "the dead backend was sent requests after its death was noticed");
            await().until(() -> balancer.connectionsInFlight() == 0);
        }
    }

    @Test
    void aHungRequestGets504WithinTheBackendTimeoutWhileOtherTrafficFlows() throws Exception {
        try (Backends backends = Backends.start(2);
                RunningBalancer balancer = RunningBalancer.inFrontOf(backends.all(), Map.of("backendTimeout", "2"))) {
            ExecutorService hung = Executors.newFixedThreadPool(4);
            try {
                List<Future<Long>> waits = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    waits.add(hung.submit(() -> {
                        long start = System.nanoTime();
                        HttpResponse<String> response = Http.get(balancer.uri("/hang?delay_ms=600000"));
                        assertEquals(504, response.statusCode());
                        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                    }));
                }
                await().until(() -> balancer.connectionsInFlight() == 4);
                for (int i = 0; i < 50; i++) {
                    long start = System.nanoTime();
                    assertEquals(200, Http.get(balancer.uri("/meanwhile/" + i)).statusCode());
                    long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                    assertTrue(took < 1000, "a normal request took " + took + " ms while others hung");
                }
                List<Long> millis = new ArrayList<>();
                for (Future<Long> wait : waits) {
                    millis.add(wait.get(10, TimeUnit.SECONDS));
                }
                System.out.println("504 after (ms): " + millis);
                millis.forEach(ms -> assertTrue(ms >= 1900 && ms <= 3000, "504 after " + ms + " ms"));
            } finally {
                hung.shutdownNow();
            }
            await().until(() -> balancer.connectionsInFlight() == 0);
        }
    }
}
