package dev.jlb.balancer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jlb.algorithm.Algorithms;
import dev.jlb.config.AlgorithmName;
import dev.jlb.config.BackendAddress;
import dev.jlb.config.BackendSpec;
import dev.jlb.time.ManualScheduler;
import dev.jlb.view.BackendView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/** {@link BackendPool#reconcile}: a source's backends made what it wants, in one change. */
class ReconcileTest {
    private static final String DNS = "dns:app.internal:80";
    private static final String OTHER = "srv:_http._tcp.app.internal";

    private final ManualScheduler scheduler = new ManualScheduler();
    private final List<String> log = new ArrayList<>();
    private final Backend fixed = new Backend(spec("10.0.0.1", 1, BackendSpec.STATIC));
    private final BackendPool pool = new BackendPool(
            List.of(fixed),
            Algorithms.create(AlgorithmName.WEIGHTED_ROUND_ROBIN, bound -> 0),
            new SlowStart(Duration.ofSeconds(10), scheduler::nanoTime, scheduler),
            new LongAdder());

    ReconcileTest() {
        pool.addListener(new BackendPool.Listener() {
            @Override
            public void added(Backend backend) {
                log.add("added " + backend);
            }

            @Override
            public void removed(Backend backend) {
                log.add("removed " + backend);
            }
        });
        log.clear();
    }

    private static BackendSpec spec(String host, int weight, String source) {
        return new BackendSpec(new BackendAddress(host, 80), weight, null, false, source);
    }

    private static BackendSpec dns(String host, int weight) {
        return spec(host, weight, DNS);
    }

    private Backend backend(String host) {
        return pool.find(new BackendAddress(host, 80)).orElseThrow();
    }

    private void passCheck(Backend backend) {
        backend.health().beginCheck();
        backend.health().endCheck(true, scheduler.nanoTime(), 1, 1, 1);
        pool.rebuild();
    }

    private Set<String> eligible() {
        Set<String> hosts = new HashSet<>();
        pool.eligible().forEach(b -> hosts.add(b.address().host()));
        return hosts;
    }

    @Test
    void newBackendsJoinOnlyAfterAPassingHealthCheckAndThenWarmUp() {
        BackendPool.Reconciliation result = pool.reconcile(DNS, List.of(dns("10.0.0.2", 1), dns("10.0.0.3", 1)));

        assertEquals(2, result.added().size());
        assertTrue(result.changed());
        assertEquals(List.of("added 10.0.0.2:80", "added 10.0.0.3:80"), log);
        assertEquals(Set.of("10.0.0.1"), eligible(), "not before a health check");
        assertEquals(DNS, backend("10.0.0.2").source());

        passCheck(backend("10.0.0.2"));
        assertEquals(Set.of("10.0.0.1", "10.0.0.2"), eligible());
        assertEquals(100, backend("10.0.0.2").warmth(), "slow start: a tenth of its share at first");
        scheduler.advance(Duration.ofSeconds(12));
        assertEquals(BackendView.WARM, backend("10.0.0.2").warmth());
    }

    @Test
    void theSameAnswerAgainChangesNothing() {
        pool.reconcile(DNS, List.of(dns("10.0.0.2", 1)));
        passCheck(backend("10.0.0.2"));
        List<Backend> before = pool.backends();

        BackendPool.Reconciliation again = pool.reconcile(DNS, List.of(dns("10.0.0.2", 1)));

        assertFalse(again.changed());
        assertSame(before, pool.backends());
    }

    @Test
    void aBackendGoneFromItsSourceDrainsAndLeavesWhenItsLastRequestEnds() {
        pool.reconcile(DNS, List.of(dns("10.0.0.2", 1), dns("10.0.0.3", 1)));
        Backend leaving = backend("10.0.0.3");
        passCheck(backend("10.0.0.2"));
        passCheck(leaving);
        leaving.requestStarted();
        log.clear();

        BackendPool.Reconciliation result = pool.reconcile(DNS, List.of(dns("10.0.0.2", 1)));

        assertEquals(List.of(leaving), result.leaving());
        assertEquals(Set.of("10.0.0.1", "10.0.0.2"), eligible(), "no new requests at once");
        assertTrue(pool.backends().contains(leaving), "still there while a request is in flight");
        assertEquals("draining", leaving.stateName());
        assertEquals(List.of(), log);

        leaving.requestEnded(false);

        assertFalse(pool.backends().contains(leaving));
        assertEquals(List.of("removed 10.0.0.3:80"), log);
    }

    @Test
    void anIdleBackendGoneFromItsSourceLeavesAtOnceEvenTheLastOne() {
        BackendPool alone = new BackendPool(List.of(), Algorithms.create(AlgorithmName.ROUND_ROBIN, bound -> 0));
        alone.reconcile(DNS, List.of(dns("10.0.0.2", 1)));

        alone.reconcile(DNS, List.of());

        assertEquals(List.of(), alone.backends());
    }

    @Test
    void backendsThatStayKeepTheirCountersHealthAndStateAndTakeTheirNewWeight() {
        pool.reconcile(DNS, List.of(dns("10.0.0.2", 1), dns("10.0.0.3", 1)));
        Backend staying = backend("10.0.0.2");
        passCheck(staying);
        staying.requestStarted();
        staying.requestEnded(true);
        staying.state(AdminState.DRAINING);

        BackendPool.Reconciliation result = pool.reconcile(DNS, List.of(dns("10.0.0.2", 5)));

        assertSame(staying, backend("10.0.0.2"));
        assertEquals(List.of(staying), result.reweighted());
        assertEquals(5, staying.weight());
        assertEquals(1, staying.requests());
        assertEquals(1, staying.failures());
        assertTrue(staying.isHealthy());
        assertEquals(AdminState.DRAINING, staying.state(), "an admin's drain is the admin's to end");
    }

    @Test
    void anAdminsWeightLastsUntilTheSourceChangesItsOwn() {
        pool.reconcile(DNS, List.of(dns("10.0.0.2", 2)));
        Backend backend = backend("10.0.0.2");
        backend.weight(7);

        pool.reconcile(DNS, List.of(dns("10.0.0.2", 2)));
        assertEquals(7, backend.weight(), "the same answer again");

        pool.reconcile(DNS, List.of(dns("10.0.0.2", 3)));
        assertEquals(3, backend.weight(), "the source changed it");
    }

    @Test
    void anotherSourcesBackendsAreLeftAlone() {
        pool.reconcile(OTHER, List.of(spec("10.0.0.9", 1, OTHER)));

        pool.reconcile(DNS, List.of());

        assertTrue(pool.backends().contains(fixed));
        assertEquals(OTHER, backend("10.0.0.9").source());
    }

    @Test
    void anAddressThatAnotherSourceHasStaysWithIt() {
        BackendPool.Reconciliation result = pool.reconcile(DNS, List.of(dns("10.0.0.1", 4), dns("10.0.0.2", 1)));

        assertEquals(List.of(dns("10.0.0.1", 4)), result.refused());
        assertSame(fixed, backend("10.0.0.1"));
        assertEquals(BackendSpec.STATIC, fixed.source());
        assertEquals(1, fixed.weight());
        assertEquals(1, result.added().size());
    }

    @Test
    void aRouteThatAnotherBackendHasIsRefused() {
        pool.reconcile(OTHER, List.of(new BackendSpec(new BackendAddress("10.0.0.8", 80), 1, "web", false, OTHER)));

        BackendPool.Reconciliation result =
                pool.reconcile(DNS, List.of(new BackendSpec(new BackendAddress("10.0.0.2", 80), 1, "web", false, DNS)));

        assertEquals(1, result.refused().size());
        assertTrue(pool.find(new BackendAddress("10.0.0.2", 80)).isEmpty());
    }

    @Test
    void aLeavingBackendWantedAgainBeforeItHasGoneStays() {
        pool.reconcile(DNS, List.of(dns("10.0.0.2", 1)));
        Backend backend = backend("10.0.0.2");
        passCheck(backend);
        backend.requestStarted();
        pool.reconcile(DNS, List.of());
        assertTrue(backend.isRemoving());

        pool.reconcile(DNS, List.of(dns("10.0.0.2", 1)));
        backend.requestEnded(false);

        assertSame(backend, backend("10.0.0.2"));
        assertFalse(backend.isRemoving());
        assertTrue(eligible().contains("10.0.0.2"));
    }

    @Test
    void aBackendOfAnotherSourceIsNotAccepted() {
        assertThrows(IllegalArgumentException.class, () -> pool.reconcile(DNS, List.of(spec("10.0.0.2", 1, OTHER))));
    }

    /**
     * A reader sees the eligible backends as they were before a change or after it, never half
     * of it: the source alternates between one backend and three, and no reader ever sees two.
     */
    @Test
    void concurrentReadersNeverSeeAHalfAppliedChange() throws Exception {
        List<BackendSpec> three = List.of(dns("10.0.0.2", 1), dns("10.0.0.3", 1), dns("10.0.0.4", 1));
        List<BackendSpec> one = List.of(dns("10.0.0.2", 1));
        pool.reconcile(DNS, three);
        for (BackendSpec spec : three) {
            Backend backend = backend(spec.address().host());
            passCheck(backend);
            // Held in flight, so that leaving keeps them in the pool and coming back revives them.
            backend.requestStarted();
        }
        scheduler.advance(Duration.ofSeconds(12));
        Set<Integer> sizesSeen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService threads = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> readers = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                readers.add(threads.submit(() -> {
                    while (running.get()) {
                        sizesSeen.add(pool.eligible().size());
                        Backend picked = pool.pick();
                        if (picked == null) {
                            throw new AssertionError("no backend while the static one is eligible");
                        }
                    }
                    return null;
                }));
            }
            for (int i = 0; i < 20_000; i++) {
                pool.reconcile(DNS, i % 2 == 0 ? one : three);
            }
            running.set(false);
            for (Future<?> reader : readers) {
                reader.get(30, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        // The static backend plus one, or plus three.
        assertTrue(Set.of(2, 4).containsAll(sizesSeen), "sizes seen: " + sizesSeen);
        assertEquals(4, pool.backends().size());
        for (BackendSpec spec : three) {
            assertEquals(1, backend(spec.address().host()).requests(), "counters kept through the churn");
        }
    }
}
