package dev.jlb.balancer;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Mean of the samples recorded over the last 60 seconds, in one-second buckets, without a lock.
 *
 * <p>Each bucket holds the second it belongs to, a count and a sum. A writer that finds a bucket
 * of an older second claims it with a compare-and-set and clears it; a sample that another
 * writer adds at that very instant can be lost. The mean is a monitoring figure, so that rare
 * loss is accepted in exchange for an update path of a few atomic operations.
 */
public final class LatencyWindow {
    static final int SECONDS = 60;
    private static final int SECOND = 0;
    private static final int COUNT = 1;
    private static final int SUM = 2;
    private static final int FIELDS = 3;
    private static final long UNUSED = Long.MIN_VALUE;

    private final AtomicLongArray buckets = new AtomicLongArray(SECONDS * FIELDS);

    public LatencyWindow() {
        for (int i = 0; i < SECONDS; i++) {
            buckets.set(i * FIELDS + SECOND, UNUSED);
        }
    }

    /**
     * Adds a sample to the current second.
     *
     * @param nowSecond the current second of a monotonic clock
     * @param sample    the value to add, e.g. a latency in microseconds
     */
    public void record(long nowSecond, long sample) {
        int base = (int) Math.floorMod(nowSecond, (long) SECONDS) * FIELDS;
        long second = buckets.get(base + SECOND);
        if (second != nowSecond && buckets.compareAndSet(base + SECOND, second, nowSecond)) {
            buckets.set(base + COUNT, 0);
            buckets.set(base + SUM, 0);
        }
        buckets.incrementAndGet(base + COUNT);
        buckets.addAndGet(base + SUM, sample);
    }

    /** The mean of the samples of the last 60 seconds, or -1 when there were none. */
    public long mean(long nowSecond) {
        long count = 0;
        long sum = 0;
        for (int i = 0; i < SECONDS; i++) {
            int base = i * FIELDS;
            long second = buckets.get(base + SECOND);
            if (second != UNUSED && second > nowSecond - SECONDS && second <= nowSecond) {
                count += buckets.get(base + COUNT);
                sum += buckets.get(base + SUM);
            }
        }
        return count == 0 ? -1 : sum / count;
    }
}
