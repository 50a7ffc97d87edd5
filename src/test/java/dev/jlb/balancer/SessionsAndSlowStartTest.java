package dev.jlb.balancer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jlb.algorithm.Algorithms;
import dev.jlb.config.AlgorithmName;
import dev.jlb.config.BackendAddress;
import dev.jlb.config.BackendSpec;
import dev.jlb.time.ManualScheduler;
import dev.jlb.view.BackendView;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The pool's part in sticky sessions (who may take a session's request) and in slow start, on fake time. */
class SessionsAndSlowStartTest {
    private static final Duration WINDOW = Duration.ofSeconds(90);

    private final ManualScheduler scheduler = new ManualScheduler();
    private final List<Backend> backends = IntStream.range(0, 3)
            .mapToObj(i -> new Backend(new BackendSpec(new BackendAddress("10.0.0." + (i + 1), 80), 1, "r" + i)))
            .toList();
    private final LongAdder inFlight = new LongAdder();
    private final BackendPool pool = new BackendPool(
            backends,
            Algorithms.create(AlgorithmName.WEIGHTED_ROUND_ROBIN, bound -> 0),
            new SlowStart(WINDOW, scheduler::nanoTime, scheduler),
            inFlight);

    private void health(Backend backend, boolean passed) {
        backend.health().beginCheck();
        backend.health().endCheck(passed, scheduler.nanoTime(), 1, 1, 1);
        pool.rebuild();
    }

    private Map<Backend, Integer> picks(int count) {
        Map<Backend, Integer> picks = new HashMap<>();
        for (int i = 0; i < count; i++) {
            picks.merge(pool.pick(), 1, Integer::sum);
        }
        return picks;
    }

    @Test
    void aSessionsBackendIsFoundByItsRouteWhileItIsHealthyAndStaying() {
        assertSame(backends.get(1), pool.byRoute("r1"));
        assertNull(pool.byRoute("nobody"));
        health(backends.get(1), false);
        assertNull(pool.byRoute("r1"), "unhealthy");
        health(backends.get(1), true);
        backends.get(2)
                .outlier()
                .eject(
                        scheduler.nanoTime(),
                        new dev.jlb.config.EjectionPolicy(5, Duration.ofSeconds(30), Duration.ofMinutes(5)),
                        dev.jlb.health.OutlierState.Cause.CONNECTION);
        pool.rebuild();
        assertNull(pool.byRoute("r2"), "ejected");
    }

    @Test
    void aDrainingBackendStillTakesItsSessionsButNoNewRequests() {
        backends.get(0).state(AdminState.DRAINING);
        pool.rebuild();
        assertSame(backends.get(0), pool.byRoute("r0"));
        assertTrue(picks(30).keySet().stream().noneMatch(b -> b == backends.get(0)));
    }

    @Test
    void aBackendBeingRemovedTakesNoSession() throws Exception {
        backends.get(0).requestStarted();
        pool.remove(backends.get(0).address());
        assertNull(pool.byRoute("r0"));
        backends.get(0).requestEnded(false);
    }

    @Test
    void requestsInFlightAreCountedForThePoolToo() {
        backends.get(0).requestStarted();
        backends.get(1).requestStarted();
        backends.get(1).requestStarted();
        assertEquals(3, inFlight.sum());
        backends.get(1).requestEnded(true);
        assertEquals(2, inFlight.sum());
    }

    @Test
    void theStartUpBackendsTakeTheirWholeShareAtOnce() {
        backends.forEach(b -> assertEquals(BackendView.WARM, b.warmth()));
        assertEquals(Map.of(backends.get(0), 10, backends.get(1), 10, backends.get(2), 10), picks(30));
    }

    @Test
    void aBackendThatReturnsRampsFromATenthToItsWholeShareOverTheWindow() {
        Backend returning = backends.get(2);
        health(returning, false);
        health(returning, true);
        assertEquals(100, returning.warmth());
        assertEquals("0.1", returning.effectiveWeight().toPlainString());
        // Weights x warmth 10, 10, 1 make a cycle of 21: a tenth of its share.
        assertEquals(1, picks(21).get(returning));

        scheduler.advance(WINDOW.dividedBy(3));
        assertEquals(400, returning.warmth(), "a third of the way: 0.1 + 0.9/3");
        assertEquals(4, picks(24).get(returning));

        scheduler.advance(WINDOW.dividedBy(3));
        assertEquals(700, returning.warmth());

        scheduler.advance(WINDOW.dividedBy(3));
        assertEquals(BackendView.WARM, returning.warmth());
        assertEquals(Map.of(backends.get(0), 10, backends.get(1), 10, returning, 10), picks(30));
        assertEquals("1", returning.effectiveWeight().toPlainString());
    }

    @Test
    void anEnabledBackendAfterADrainStartsSlowlyToo() {
        Backend drained = backends.get(0);
        drained.state(AdminState.DRAINING);
        pool.rebuild();
        drained.state(AdminState.ENABLED);
        pool.rebuild();
        assertEquals(100, drained.warmth());
    }

    @Test
    void theRampTicksOnlyWhileABackendIsWarming() {
        assertEquals(0, scheduler.pending());
        health(backends.get(2), false);
        health(backends.get(2), true);
        assertEquals(1, scheduler.pending());
        scheduler.advance(WINDOW.multipliedBy(2));
        assertEquals(0, scheduler.pending());
    }

    @Test
    void withoutSlowStartAReturningBackendIsWarmAtOnce() {
        BackendPool plain = new BackendPool(backends, Algorithms.create(AlgorithmName.ROUND_ROBIN, bound -> 0));
        backends.get(1).health().beginCheck();
        backends.get(1).health().endCheck(false, 0, 1, 1, 1);
        plain.rebuild();
        backends.get(1).health().beginCheck();
        backends.get(1).health().endCheck(true, 0, 1, 1, 1);
        plain.rebuild();
        assertEquals(BackendView.WARM, backends.get(1).warmth());
    }
}
