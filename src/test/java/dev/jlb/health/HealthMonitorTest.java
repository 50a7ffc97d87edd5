package dev.jlb.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jlb.config.EjectionPolicy;
import dev.jlb.config.HealthCheckPolicy;
import dev.jlb.config.StatusRanges;
import dev.jlb.time.ManualScheduler;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Active health checks on a clock the test moves, with checks whose outcomes the test scripts. */
class HealthMonitorTest {
    private static final Duration INTERVAL = Duration.ofSeconds(5);
    private static final HealthCheckPolicy POLICY =
            new HealthCheckPolicy(INTERVAL, "/health", Duration.ofSeconds(2), 2, 2, StatusRanges.parse("200-299"));

    private final ManualScheduler scheduler = new ManualScheduler();
    private final TestMonitored a = new TestMonitored(3001);
    private final TestMonitored b = new TestMonitored(3002);
    private final List<TestMonitored> backends = new ArrayList<>(List.of(a, b));
    private final ScriptedChecker checker = new ScriptedChecker();
    private final AtomicInteger changes = new AtomicInteger();
    private final OutlierDetector outliers = new OutlierDetector(
            new EjectionPolicy(5, Duration.ofSeconds(30), EjectionPolicy.MAX_EJECT_TIME),
            POLICY.rise(),
            scheduler::nanoTime,
            changes::incrementAndGet);
    private final HealthMonitor monitor = new HealthMonitor(
            () -> backends, POLICY, outliers, checker, scheduler, scheduler::nanoTime, changes::incrementAndGet);

    /** Checks that answer as the test says: pass by default, fail, or hang until released. */
    private static final class ScriptedChecker implements HealthChecker {
        private final Map<Monitored, Boolean> passes = new HashMap<>();
        private final Map<Monitored, Consumer<Outcome>> hanging = new HashMap<>();
        private final Map<Monitored, Integer> checks = new HashMap<>();
        private final List<Monitored> hangs = new ArrayList<>();

        @Override
        public void start() {}

        @Override
        public void check(Monitored backend, Consumer<Outcome> done) {
            checks.merge(backend, 1, Integer::sum);
            if (hangs.contains(backend)) {
                hanging.put(backend, done);
            } else {
                done.accept(passes.getOrDefault(backend, true) ? Outcome.PASSED : Outcome.failed("answered 503"));
            }
        }

        @Override
        public void stop() {}

        int checks(Monitored backend) {
            return checks.getOrDefault(backend, 0);
        }
    }

    @BeforeEach
    void start() throws Exception {
        monitor.start();
        scheduler.runDue();
    }

    @Test
    void checksEveryBackendAtStartAndThenEveryInterval() {
        assertEquals(1, checker.checks(a));
        assertEquals(1, checker.checks(b));
        scheduler.advance(INTERVAL.minusMillis(1));
        assertEquals(1, checker.checks(a));
        scheduler.advance(Duration.ofMillis(1));
        assertEquals(2, checker.checks(a));
        scheduler.advance(INTERVAL.multipliedBy(3));
        assertEquals(5, checker.checks(b));
        assertEquals(5, a.passedChecks());
    }

    @Test
    void aBackendIsOutWithinFallIntervalsAndBackWithinRiseIntervals() {
        checker.passes.put(a, false);
        scheduler.advance(INTERVAL);
        assertTrue(a.health().isHealthy(), "one failed check is not fall");
        scheduler.advance(INTERVAL);
        assertFalse(a.health().isHealthy());
        assertEquals(1, changes.get());

        checker.passes.put(a, true);
        scheduler.advance(INTERVAL);
        assertFalse(a.health().isHealthy(), "one passed check is not rise");
        scheduler.advance(INTERVAL);
        assertTrue(a.health().isHealthy());
        assertEquals(2, changes.get());
        assertEquals(2, a.failedChecks());
    }

    @Test
    void aHungCheckDelaysNobodyElseAndIsNotDoubled() {
        checker.hangs.add(a);
        scheduler.advance(INTERVAL.multipliedBy(4));
        assertEquals(2, checker.checks(a), "the hung check is not sent again while it is pending");
        assertEquals(5, checker.checks(b));

        checker.hangs.remove(a);
        checker.hanging.remove(a).accept(HealthChecker.Outcome.failed("no answer within 2000 ms"));
        scheduler.advance(INTERVAL);
        assertEquals(3, checker.checks(a));
    }

    @Test
    void aBackendThatJoinsIsCheckedAtOnce() {
        TestMonitored joining = new TestMonitored(3003);
        backends.add(joining);
        monitor.checkSoon(joining);
        scheduler.runDue();
        assertEquals(1, checker.checks(joining));
    }

    @Test
    void aCrashedBackendThatRestartsIsBackWithinTwoIntervalsDespiteItsEjection() {
        outliers.connectFailed(a, new ConnectException("Connection refused"));
        checker.passes.put(a, false);
        scheduler.advance(INTERVAL.multipliedBy(3));
        assertFalse(a.takesTraffic());

        // Started again: it answers from now on.
        checker.passes.put(a, true);
        scheduler.advance(INTERVAL);
        assertFalse(a.takesTraffic());
        scheduler.advance(INTERVAL);
        assertTrue(a.takesTraffic(), "back within two intervals, long before the 30 s ejection time");
    }

    @Test
    void stoppedMeansNoMoreChecks() {
        monitor.stop();
        scheduler.advance(INTERVAL.multipliedBy(3));
        assertEquals(1, checker.checks(a));
    }
}
