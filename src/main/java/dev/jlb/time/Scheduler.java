package dev.jlb.time;

import java.time.Duration;

/**
 * Runs tasks later and repeatedly: the one source of timing for health checks and every other
 * background task, injected so that tests can run them on a clock they move themselves.
 */
public interface Scheduler {
    /** A scheduled task, which can be cancelled. */
    @FunctionalInterface
    interface Task {
        void cancel();
    }

    /** Runs the task as soon as possible, on the scheduler's thread. */
    void execute(Runnable task);

    /** Runs the task once after the delay. */
    Task schedule(Runnable task, Duration delay);

    /** Runs the task after the first delay, then every period (measured from start to start). */
    Task scheduleAtFixedRate(Runnable task, Duration initialDelay, Duration period);

    /** Cancels every task and stops the thread. */
    void shutdown();
}
