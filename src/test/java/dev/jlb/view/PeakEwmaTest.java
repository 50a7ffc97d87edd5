package dev.jlb.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PeakEwmaTest {
    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000 * MS;
    /** An arbitrary clock origin, far from 0, as System.nanoTime's is. */
    private static final long T0 = 123_456_789_012_345L;

    private static final double E = Math.exp(-1);

    @Test
    void knowsNothingBeforeItsFirstObservation() {
        PeakEwma ewma = new PeakEwma();
        assertEquals(0, ewma.estimateNanos(T0));
        assertEquals("PeakEwma[empty]", ewma.toString());
    }

    @Test
    void takesTheFirstObservationAsItIs() {
        PeakEwma ewma = new PeakEwma();
        ewma.observe(T0, 50 * MS);
        assertEquals(50 * MS, ewma.estimateNanos(T0), 1);
    }

    @Test
    void aSlowerAnswerReplacesTheEstimateAtOnce() {
        PeakEwma ewma = new PeakEwma();
        ewma.observe(T0, 10 * MS);
        ewma.observe(T0 + MS, 100 * MS);
        assertEquals(100 * MS, ewma.estimateNanos(T0 + MS), 1);
    }

    @Test
    void aFasterAnswerIsBlendedInByTheTimeSinceThePreviousOne() {
        PeakEwma ewma = new PeakEwma();
        ewma.observe(T0, 100 * MS);
        ewma.observe(T0 + 10 * SECOND, 10 * MS);
        // w = exp(-10 s / 10 s): 100 ms x w + 10 ms x (1 - w).
        assertEquals((100 * E + 10 * (1 - E)) * MS, ewma.estimateNanos(T0 + 10 * SECOND), 10);
    }

    @Test
    void comesDownWithTheSameTimeConstantWhateverTheRequestRate() {
        for (long interval : new long[] {MS, 10 * MS, 250 * MS}) {
            PeakEwma ewma = new PeakEwma();
            ewma.observe(T0, 100 * MS);
            long now = T0;
            while (now < T0 + 10 * SECOND) {
                now += interval;
                ewma.observe(now, 10 * MS);
            }
            // 10 ms + 90 ms x exp(-1), after 10 s of fast answers at any rate.
            assertEquals((10 + 90 * E) * MS, ewma.estimateNanos(now), 0.01 * MS, "every " + interval + " ns");
        }
    }

    @Test
    void decaysTowardsZeroWhenRead() {
        PeakEwma ewma = new PeakEwma();
        ewma.observe(T0, 100 * MS);
        assertEquals(100 * E * MS, ewma.estimateNanos(T0 + 10 * SECOND), 10);
        assertEquals(100 * E * E * MS, ewma.estimateNanos(T0 + 20 * SECOND), 10);
    }

    @Test
    void readingDoesNotWrite() {
        PeakEwma ewma = new PeakEwma();
        ewma.observe(T0, 100 * MS);
        ewma.estimateNanos(T0 + 60 * SECOND);
        assertEquals(100 * MS, ewma.estimateNanos(T0), 1);
        // The blend starts from the estimate as observed, not from a decayed read.
        ewma.observe(T0 + 10 * SECOND, 10 * MS);
        assertEquals((100 * E + 10 * (1 - E)) * MS, ewma.estimateNanos(T0 + 10 * SECOND), 10);
    }

    @Test
    void anEstimateLeftAloneForHoursOrDaysReadsAsNothingKnown() {
        PeakEwma ewma = new PeakEwma();
        ewma.observe(T0, 100 * MS);
        assertEquals(0, ewma.estimateNanos(T0 + TimeUnit.HOURS.toNanos(3)));
        // Past 24.8 days the int of milliseconds has wrapped: still long ago, not now.
        assertEquals(0, ewma.estimateNanos(T0 + TimeUnit.DAYS.toNanos(30)));
        ewma.observe(T0 + TimeUnit.DAYS.toNanos(30), 20 * MS);
        assertEquals(20 * MS, ewma.estimateNanos(T0 + TimeUnit.DAYS.toNanos(30)), 1);
    }

    @Test
    void anObservationWithAnEarlierClockReadingNeitherBlendsNorMovesTimeBack() {
        PeakEwma ewma = new PeakEwma();
        ewma.observe(T0 + 10 * SECOND, 100 * MS);
        // Another thread read the clock a little earlier and stores later.
        ewma.observe(T0 + 10 * SECOND - 5 * MS, 10 * MS);
        assertEquals(100 * MS, ewma.estimateNanos(T0 + 10 * SECOND), 1);
        assertEquals(100 * E * MS, ewma.estimateNanos(T0 + 20 * SECOND), 10);
    }

    @Test
    void aResponseTimeBelowOneNanosecondCountsAsOne() {
        PeakEwma ewma = new PeakEwma();
        ewma.observe(T0, -5);
        assertEquals(1, ewma.estimateNanos(T0));
    }

    @Test
    void concurrentObserversNeverLoseAPeak() throws Exception {
        PeakEwma ewma = new PeakEwma();
        int threads = 4;
        int each = 20_000;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Long>> maxima = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long seed = t;
                maxima.add(pool.submit(() -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    start.await();
                    long max = 0;
                    for (int i = 0; i < each; i++) {
                        // Exact as floats; all in the same millisecond, so only peaks move the estimate.
                        long latency = 1L + random.nextInt(1 << 24);
                        max = Math.max(max, latency);
                        ewma.observe(T0, latency);
                    }
                    return max;
                }));
            }
            start.countDown();
            long max = 0;
            for (Future<Long> future : maxima) {
                max = Math.max(max, future.get(30, TimeUnit.SECONDS));
            }
            assertEquals((double) max, ewma.estimateNanos(T0));
            assertTrue(ewma.toString().startsWith("PeakEwma[" + (float) max));
        } finally {
            pool.shutdownNow();
        }
    }
}
