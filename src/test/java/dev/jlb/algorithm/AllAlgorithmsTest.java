package dev.jlb.algorithm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jlb.config.AlgorithmName;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What every rule owes the request path, whatever its kind: many threads at once, no garbage. */
class AllAlgorithmsTest {
    private static final int BACKENDS = 100;

    /** Backends of mixed weights, some warming up, some with latency estimates. */
    private static List<TestBackend> backends() {
        SplittableRandom random = new SplittableRandom(3);
        List<TestBackend> backends = new ArrayList<>();
        for (int i = 0; i < BACKENDS; i++) {
            TestBackend backend = new TestBackend("b" + i, 1 + random.nextInt(5));
            if (i % 10 == 0) {
                backend.warmth(100 * (1 + random.nextInt(9)));
            }
            backend.latency().observe(System.nanoTime(), 1_000_000L + random.nextInt(50_000_000));
            backends.add(backend);
        }
        return backends;
    }

    private static Algorithm algorithm(AlgorithmName name, List<TestBackend> backends) {
        int total = backends.stream().mapToInt(TestBackend::inFlight).sum();
        return Algorithms.create(
                name, new AlgorithmOptions(RandomSource.threadLocal(), System::nanoTime, () -> total, 125));
    }

    @ParameterizedTest
    @EnumSource(AlgorithmName.class)
    void manyThreadsPickAtOnceAndEveryRequestIsCountedBackToZero(AlgorithmName name) throws Exception {
        List<TestBackend> backends = backends();
        AtomicInteger total = new AtomicInteger();
        Algorithm algorithm = Algorithms.create(
                name, new AlgorithmOptions(RandomSource.threadLocal(), System::nanoTime, total::get, 125));
        Picker<TestBackend> picker = algorithm.pickerFor(backends);
        int threads = 4;
        int each = 20_000;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long seed = t;
                done.add(pool.submit(() -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    start.await();
                    int picked = 0;
                    for (int i = 0; i < each; i++) {
                        TestBackend backend = picker.pick(random.nextLong());
                        assertNotNull(backend);
                        backend.started();
                        total.incrementAndGet();
                        backend.latency().observe(System.nanoTime(), 1_000_000L + random.nextInt(1_000_000));
                        backend.ended();
                        total.decrementAndGet();
                        picked++;
                    }
                    return picked;
                }));
            }
            start.countDown();
            int picked = 0;
            for (Future<Integer> future : done) {
                picked += future.get(60, TimeUnit.SECONDS);
            }
            assertEquals(threads * each, picked);
            backends.forEach(b -> assertEquals(0, b.inFlight(), b::toString));
            assertEquals(0, total.get());
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest
    @EnumSource(AlgorithmName.class)
    void pickingAllocatesNothing(AlgorithmName name) {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        List<TestBackend> backends = backends();
        SplittableRandom random = new SplittableRandom(1);
        backends.forEach(b -> b.inFlight(random.nextInt(10)));
        Picker<TestBackend> picker = algorithm(name, backends).pickerFor(backends);
        long[] keys = random.longs(1024).toArray();
        long thread = Thread.currentThread().getId();
        int sink = 0;
        for (int i = 0; i < 20_000; i++) {
            sink += picker.pick(keys[i & 1023]).weight();
        }
        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 100_000; i++) {
            sink += picker.pick(keys[i & 1023]).weight();
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        // A few hundred bytes of slack for the measurement itself; one object per pick would be
        // megabytes.
        assertTrue(allocated < 1024, allocated + " bytes for 100,000 picks by " + picker);
        assertTrue(sink > 0);
    }

    @Test
    void hashingAKeyAllocatesNothingEither() {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        String key = "203.0.113.195";
        long thread = Thread.currentThread().getId();
        long sink = 0;
        for (int i = 0; i < 20_000; i++) {
            sink += KeyHash.hash(key);
        }
        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 100_000; i++) {
            sink += KeyHash.hash(key);
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertTrue(allocated < 1024, allocated + " bytes for 100,000 hashes");
        assertTrue(sink != 1);
    }

    @Test
    void theEmptyPickerAndTheRandomnessSayWhatTheyAre() {
        assertEquals("no backend", Picker.none().toString());
        assertNull(Picker.none().pick(1));
        assertEquals("thread-local random", RandomSource.threadLocal().toString());
    }
}
