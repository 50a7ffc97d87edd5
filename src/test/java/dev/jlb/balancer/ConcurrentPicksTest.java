package dev.jlb.balancer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jlb.algorithm.AlgorithmOptions;
import dev.jlb.algorithm.Algorithms;
import dev.jlb.algorithm.RandomSource;
import dev.jlb.config.AlgorithmName;
import dev.jlb.config.BackendAddress;
import dev.jlb.config.BackendSpec;
import dev.jlb.time.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Many threads pick and count requests while backends join, leave, fail and recover: a pick is
 * never null while one backend stays eligible, only ever a backend of the pool, and every count
 * in flight is back to 0 at the end.
 */
class ConcurrentPicksTest {
    private static final int PICKERS = 4;
    private static final int PICKS_EACH = 20_000;

    private static Backend backend(int i) {
        return new Backend(new BackendSpec(new BackendAddress("10.0.1." + i, 80), 1 + i % 3));
    }

    @ParameterizedTest
    @EnumSource(AlgorithmName.class)
    void picksStayValidWhileTheMembershipChanges(AlgorithmName name) throws Exception {
        ManualScheduler scheduler = new ManualScheduler();
        LongAdder inFlight = new LongAdder();
        Backend steady = backend(0);
        List<Backend> initial = List.of(steady, backend(1), backend(2));
        AlgorithmOptions options =
                new AlgorithmOptions(RandomSource.threadLocal(), System::nanoTime, () -> (int) inFlight.sum(), 125);
        BackendPool pool = new BackendPool(
                initial,
                Algorithms.create(name, options),
                new SlowStart(Duration.ofSeconds(10), scheduler::nanoTime, scheduler),
                inFlight);
        Set<Backend> everMember = ConcurrentHashMap.newKeySet();
        everMember.addAll(initial);

        ExecutorService threads = Executors.newFixedThreadPool(PICKERS + 1);
        CountDownLatch start = new CountDownLatch(1);
        AtomicBoolean picking = new AtomicBoolean(true);
        AtomicLong nulls = new AtomicLong();
        AtomicLong strangers = new AtomicLong();
        try {
            List<Future<?>> pickers = new ArrayList<>();
            for (int t = 0; t < PICKERS; t++) {
                pickers.add(threads.submit(() -> {
                    start.await();
                    for (int i = 0; i < PICKS_EACH; i++) {
                        Backend picked = pool.pick(i * 0x9E3779B97F4A7C15L);
                        if (picked == null) {
                            nulls.incrementAndGet();
                            continue;
                        }
                        if (!everMember.contains(picked)) {
                            strangers.incrementAndGet();
                        }
                        picked.requestStarted();
                        picked.requestEnded(i % 7 == 0);
                    }
                    return null;
                }));
            }
            Future<?> churn = threads.submit(() -> {
                start.await();
                int next = 3;
                while (picking.get()) {
                    Backend joining = backend(next++);
                    everMember.add(joining);
                    Backend added = pool.add(new BackendSpec(joining.address(), joining.weight()));
                    everMember.add(added);
                    added.health().beginCheck();
                    added.health().endCheck(true, 0, 1, 1, 1);
                    pool.rebuild();
                    Backend flaky = pool.backends().get(1 + next % 2);
                    flaky.health().beginCheck();
                    flaky.health().endCheck(next % 3 != 0, 0, 1, 1, 1);
                    pool.rebuild();
                    if (pool.backends().size() > 6) {
                        try {
                            pool.remove(pool.backends().get(3).address());
                        } catch (BackendPool.RefusedException gone) {
                            // Its last request ended meanwhile and it left on its own: as it should.
                            assertEquals(BackendPool.Refusal.UNKNOWN, gone.refusal());
                        }
                    }
                }
                return null;
            });
            start.countDown();
            for (Future<?> picker : pickers) {
                picker.get(60, TimeUnit.SECONDS);
            }
            picking.set(false);
            churn.get(60, TimeUnit.SECONDS);
        } finally {
            threads.shutdownNow();
        }
        assertEquals(0, nulls.get(), "a pick came back empty while a backend was eligible");
        assertEquals(0, strangers.get());
        for (Backend backend : everMember) {
            assertEquals(0, backend.inFlight(), backend + " in flight");
        }
        assertEquals(0, inFlight.sum());
        assertTrue(steady.requests() > 0);
    }
}
