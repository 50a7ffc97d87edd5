package dev.jlb.health;

import dev.jlb.config.HealthCheckPolicy;
import dev.jlb.time.Scheduler;
import java.time.Duration;
import java.util.Collection;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Active health checks: every backend at start and then every interval. A check never blocks a
 * thread while it waits, so a hung backend delays nobody but itself, and a backend whose previous
 * check is still pending is skipped rather than checked twice. Only changes of health are
 * reported: they are logged once and call {@code changed}, which rebuilds the pool's snapshot.
 *
 * <p>The scheduler, the clock and the check itself are injected: tests run it on fake time.
 */
public final class HealthMonitor {
    private static final Logger LOG = LoggerFactory.getLogger(HealthMonitor.class);

    private final Supplier<? extends Collection<? extends Monitored>> backends;
    private volatile HealthCheckPolicy policy;
    private final OutlierDetector outliers;
    private final HealthChecker checker;
    private final Scheduler scheduler;
    private final LongSupplier nanoClock;
    private final Runnable changed;
    private volatile boolean started;
    private volatile Scheduler.Task rounds;

    /**
     * @param backends  the backends to check, read anew for every round
     * @param changed   told when a backend's health changed
     */
    public HealthMonitor(
            Supplier<? extends Collection<? extends Monitored>> backends,
            HealthCheckPolicy policy,
            OutlierDetector outliers,
            HealthChecker checker,
            Scheduler scheduler,
            LongSupplier nanoClock,
            Runnable changed) {
        this.backends = backends;
        this.policy = policy;
        this.outliers = outliers;
        this.checker = checker;
        this.scheduler = scheduler;
        this.nanoClock = nanoClock;
        this.changed = changed;
    }

    /** Starts checking: the first round at once, then one every interval. */
    public synchronized void start() throws Exception {
        checker.start();
        started = true;
        rounds = scheduler.scheduleAtFixedRate(this::checkAll, Duration.ZERO, policy.interval());
    }

    /**
     * A reloaded configuration's policy. A new interval starts from now, as HAProxy's does after a
     * reload, so a shorter one is in force at once rather than after the old interval.
     */
    public synchronized void reconfigure(HealthCheckPolicy next) {
        HealthCheckPolicy before = policy;
        policy = next;
        checker.reconfigure(next);
        if (started && !next.interval().equals(before.interval())) {
            Scheduler.Task task = rounds;
            if (task != null) {
                task.cancel();
            }
            rounds = scheduler.scheduleAtFixedRate(this::checkAll, next.interval(), next.interval());
        }
    }

    /** Stops checking; checks in flight are abandoned. */
    public synchronized void stop() {
        started = false;
        Scheduler.Task task = rounds;
        if (task != null) {
            task.cancel();
        }
        checker.stop();
    }

    /** Checks a backend that joins at once, rather than at the next round: it takes traffic once a check has passed. */
    public void checkSoon(Monitored backend) {
        if (started && backend.health().beginCheck()) {
            scheduler.execute(() -> check(backend));
        }
    }

    /** One round: a check of every backend whose previous check has finished. */
    void checkAll() {
        for (Monitored backend : backends.get()) {
            if (backend.health().beginCheck()) {
                check(backend);
            }
        }
    }

    private void check(Monitored backend) {
        long start = nanoClock.getAsLong();
        checker.check(backend, outcome -> record(backend, start, outcome));
    }

    private void record(Monitored backend, long start, HealthChecker.Outcome outcome) {
        long now = nanoClock.getAsLong();
        backend.healthChecked(outcome.passed());
        HealthState health = backend.health();
        if (health.endCheck(outcome.passed(), now, now - start, policy.rise(), policy.fall())) {
            changed.run();
            if (health.isHealthy()) {
                LOG.info("backend {} is UP (healthy): GET {} passed", backend, policy.path());
            } else {
                LOG.warn("backend {} is DOWN (unhealthy): GET {} {}", backend, policy.path(), outcome.reason());
            }
        }
        outliers.checkCompleted(backend, outcome.passed());
    }
}
