package dev.jlb.time;

import java.time.Duration;
import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * A {@link Scheduler} on a clock that only the test moves: {@link #advance} runs every task that
 * falls due, in order of due time, on the test's own thread. Its {@link #nanoTime()} is the clock
 * to give to the code under test.
 */
public final class ManualScheduler implements Scheduler {
    private final PriorityQueue<Entry> queue =
            new PriorityQueue<>(Comparator.comparingLong((Entry e) -> e.due).thenComparingLong(Entry::sequence));
    private long now = 1_000_000_000_000L;
    private long sequence;
    private boolean shutdown;

    private final class Entry implements Task {
        private final Runnable task;
        private final long period;
        private final long sequenceNumber;
        private long due;
        private boolean cancelled;

        Entry(Runnable task, long due, long period) {
            this.task = task;
            this.due = due;
            this.period = period;
            this.sequenceNumber = sequence++;
        }

        long sequence() {
            return sequenceNumber;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }

    /** The clock, in nanoseconds. */
    public long nanoTime() {
        return now;
    }

    @Override
    public void execute(Runnable task) {
        schedule(task, Duration.ZERO);
    }

    @Override
    public Task schedule(Runnable task, Duration delay) {
        return add(new Entry(task, now + delay.toNanos(), 0));
    }

    @Override
    public Task scheduleAtFixedRate(Runnable task, Duration initialDelay, Duration period) {
        return add(new Entry(task, now + initialDelay.toNanos(), period.toNanos()));
    }

    private Entry add(Entry entry) {
        if (!shutdown) {
            queue.add(entry);
        }
        return entry;
    }

    @Override
    public void shutdown() {
        shutdown = true;
        queue.clear();
    }

    /** How many tasks are waiting, cancelled ones left out. */
    public int pending() {
        return (int) queue.stream().filter(entry -> !entry.cancelled).count();
    }

    /** Runs what is due now, without moving the clock. */
    public void runDue() {
        advance(Duration.ZERO);
    }

    /** Moves the clock on, running every task that falls due on the way, each at its due time. */
    public void advance(Duration duration) {
        long end = now + duration.toNanos();
        while (!queue.isEmpty() && queue.peek().due <= end) {
            Entry entry = queue.poll();
            if (entry.cancelled) {
                continue;
            }
            now = Math.max(now, entry.due);
            if (entry.period > 0) {
                entry.due += entry.period;
                queue.add(entry);
            }
            entry.task.run();
        }
        now = end;
    }
}
