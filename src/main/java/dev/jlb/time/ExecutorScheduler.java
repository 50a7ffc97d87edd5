package dev.jlb.time;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** A {@link Scheduler} on one daemon thread of the JVM's scheduled executor. */
public final class ExecutorScheduler implements Scheduler {
    private final ScheduledExecutorService executor;

    /**
     * @param threadName the thread's name, for thread dumps
     */
    public ExecutorScheduler(String threadName) {
        executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public void execute(Runnable task) {
        executor.execute(task);
    }

    @Override
    public Task schedule(Runnable task, Duration delay) {
        var future = executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }

    @Override
    public Task scheduleAtFixedRate(Runnable task, Duration initialDelay, Duration period) {
        var future = executor.scheduleAtFixedRate(task, initialDelay.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }

    @Override
    public void shutdown() {
        executor.shutdownNow();
    }
}
