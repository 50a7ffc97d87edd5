package dev.jlb.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jlb.testserver.TestServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Passive health: backends that fail live traffic are ejected, for longer each time, and come back. */
class OutlierIT {
    private static String outReason(RunningBalancer balancer, TestServer backend) {
        var stats = balancer.backendStats(backend);
        return stats.isNull("out_reason") ? null : stats.getString("out_reason");
    }

    @Test
    void consecutive5xxAnswersEjectABackendWhosePassingChecksDoNotBringItBackBeforeTheEjectTime() throws Exception {
        // The times themselves (30 s, doubling) are unit-tested on a clock the test moves
        // (OutlierDetectorTest); here the rule on real sockets, with an ejection time of 3 s.
        try (Backends backends = Backends.start(2);
                RunningBalancer balancer = RunningBalancer.inFrontOf(
                        backends.all(),
                        Map.of("healthCheckInterval", "0.2", "ejectTime", "3", "failuresBeforeEject", "5"))) {
            TestServer failing = backends.get(0);
            failing.answerEveryRequestWith(500);
            int errors = 0;
            for (int i = 0; i < 30; i++) {
                errors += Http.get(balancer.uri("/" + i)).statusCode() == 500 ? 1 : 0;
            }
            // Five 500s pass through (they are answers, not failures to connect), then it is out.
            assertEquals(5, errors);
            assertEquals(5, failing.requests());
            assertEquals("ejected", outReason(balancer, failing));
            assertEquals("degraded", balancer.health().getString("status"));

            failing.answerEveryRequestWith(0);
            long checks = failing.healthChecks();
            await().atMost(Duration.ofSeconds(2)).until(() -> failing.healthChecks() >= checks + 3);
            assertEquals("ejected", outReason(balancer, failing), "passing checks ended an ejection for 5xx answers");
            await().atMost(Duration.ofSeconds(6)).until(() -> outReason(balancer, failing) == null);
            assertEquals(200, Http.get(balancer.uri("/back")).statusCode());
        }
    }

    @Test
    void successesInBetweenResetTheCount() throws Exception {
        try (Backends backends = Backends.start(1);
                RunningBalancer balancer =
                        RunningBalancer.inFrontOf(backends.all(), Map.of("failuresBeforeEject", "3"))) {
            for (int i = 0; i < 10; i++) {
                Http.get(balancer.uri("/?status=500"));
                Http.get(balancer.uri("/?status=502"));
                Http.get(balancer.uri("/ok"));
            }
            assertTrue(balancer.backendStats(backends.get(0)).isNull("out_reason"));
            for (int i = 0; i < 3; i++) {
                Http.get(balancer.uri("/?status=500"));
            }
            assertEquals("ejected", outReason(balancer, backends.get(0)));
            assertEquals(503, Http.get(balancer.uri("/")).statusCode());
        }
    }

    @Test
    void zeroFailuresBeforeEjectTurnsTheRuleOff() throws Exception {
        try (Backends backends = Backends.start(1);
                RunningBalancer balancer =
                        RunningBalancer.inFrontOf(backends.all(), Map.of("failuresBeforeEject", "0"))) {
            for (int i = 0; i < 20; i++) {
                assertEquals(500, Http.get(balancer.uri("/?status=500")).statusCode());
            }
            assertTrue(balancer.backendStats(backends.get(0)).isNull("out_reason"));
        }
    }

    @Test
    void aBackendThatCrashedTakesTrafficAgainWithinTwoIntervalsOfAnsweringAgain() throws Exception {
        Duration interval = Duration.ofSeconds(1);
        Duration checkTimeout = Duration.ofMillis(500);
        // The default ejection time (30 s, doubling) stays: it must not be what brings the backend back.
        try (Backends backends = Backends.start(3);
                RunningBalancer balancer = RunningBalancer.inFrontOf(
                        backends.all(), Map.of("healthCheckInterval", "1", "healthCheckTimeout", "0.5"));
                Traffic traffic = Traffic.to(balancer, Duration.ofSeconds(60))) {
            TestServer crashed = backends.get(0);
            await().atMost(Duration.ofSeconds(5)).until(() -> crashed.requests() > 0);

            crashed.stop();
            // Refused connections eject it at once; its failing checks then find it down too.
            await().atMost(Duration.ofSeconds(5)).until(() -> "ejected".equals(outReason(balancer, crashed)));
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> !balancer.backendStats(crashed).getBoolean("healthy"));

            crashed.start();
            long before = crashed.requests();
            await("a request on the restarted backend")
                    .atMost(interval.multipliedBy(2).plus(checkTimeout).plusSeconds(1))
                    .until(() -> crashed.requests() > before);
            assertTrue(balancer.backendStats(crashed).isNull("out_reason"));
            assertEquals(0, traffic.failures(), "clients saw errors while one of three backends was down");
        }
    }

    @Test
    void aBackendEjectedForRefusedConnectionsStaysOutWhileDeadHoweverShortTheEjectTime() throws Exception {
        try (Backends backends = Backends.start(2);
                RunningBalancer balancer = RunningBalancer.inFrontOf(
                        backends.all(), Map.of("healthCheckInterval", "0.2", "ejectTime", "0.5"))) {
            TestServer dead = backends.get(0);
            await().until(() -> !balancer.backendStats(dead).isNull("last_health_check"));
            dead.stop();
            for (int i = 0; i < 4; i++) {
                assertEquals(200, Http.get(balancer.uri("/")).statusCode());
            }
            await().atMost(Duration.ofSeconds(3))
                    .until(() -> !balancer.backendStats(dead).getBoolean("healthy"));
            // Eight check rounds on, three ejection times, still out: only passing checks end this ejection.
            TestServer alive = backends.get(1);
            long rounds = alive.healthChecks();
            await().atMost(Duration.ofSeconds(5)).until(() -> alive.healthChecks() >= rounds + 8);
            assertEquals("ejected", outReason(balancer, dead));
            dead.start();
            await().atMost(Duration.ofSeconds(3)).until(() -> outReason(balancer, dead) == null);
        }
    }
}
