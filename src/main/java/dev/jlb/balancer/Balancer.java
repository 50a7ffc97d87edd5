package dev.jlb.balancer;

import dev.jlb.algorithm.Algorithm;
import dev.jlb.algorithm.AlgorithmOptions;
import dev.jlb.algorithm.Algorithms;
import dev.jlb.algorithm.RandomSource;
import dev.jlb.config.BackendSpec;
import dev.jlb.config.BalancerConfig;
import dev.jlb.health.HealthChecker;
import dev.jlb.health.HealthMonitor;
import dev.jlb.health.OutlierDetector;
import dev.jlb.time.Scheduler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The running balancer: its configuration, the backend pool, the active and passive health
 * checks and the balancer-wide counters. One per webapp start, kept as a servlet context
 * attribute for the servlets to share.
 */
public final class Balancer {
    /** The servlet context attribute under which the running balancer is kept. */
    public static final String ATTRIBUTE = Balancer.class.getName();

    private volatile BalancerConfig config;
    private final BackendPool pool;
    private final SlowStart slowStart;
    private final LongAdder inFlight = new LongAdder();
    private final List<Consumer<BalancerConfig>> reconfigured = new CopyOnWriteArrayList<>();
    private final OutlierDetector outliers;
    private final HealthMonitor healthMonitor;
    private final Scheduler scheduler;
    private final LongSupplier nanoClock;
    private final RandomSource random;
    private final long startNanos;
    private final LongAdder proxiedRequests = new LongAdder();
    private final ConfigReloads configReloads = new ConfigReloads();

    /**
     * @param checker   how a backend's health is checked
     * @param scheduler where the health checks are timed
     * @param nanoClock the monotonic clock every time figure is taken from
     */
    public Balancer(
            BalancerConfig config,
            RandomSource random,
            LongSupplier nanoClock,
            HealthChecker checker,
            Scheduler scheduler) {
        this.config = config;
        this.nanoClock = nanoClock;
        this.random = random;
        this.startNanos = nanoClock.getAsLong();
        this.scheduler = scheduler;
        List<Backend> backends = config.backends().stream().map(Backend::new).toList();
        this.slowStart = new SlowStart(config.balancing().slowStart(), nanoClock, scheduler);
        this.pool = new BackendPool(backends, algorithm(config), slowStart, inFlight);
        this.outliers =
                new OutlierDetector(config.ejection(), config.healthChecks().rise(), nanoClock, pool::rebuild);
        this.healthMonitor = new HealthMonitor(
                pool::backends, config.healthChecks(), outliers, checker, scheduler, nanoClock, pool::rebuild);
        pool.addListener(new MembershipLog());
        pool.addListener(new BackendPool.Listener() {
            @Override
            public void added(Backend backend) {
                healthMonitor.checkSoon(backend);
            }

            @Override
            public void removed(Backend backend) {}
        });
    }

    private Algorithm algorithm(BalancerConfig of) {
        AlgorithmOptions options = new AlgorithmOptions(
                random, nanoClock, () -> (int) inFlight.sum(), of.balancing().hashBalanceFactor());
        return Algorithms.create(of.algorithm(), options);
    }

    /**
     * Puts a reloaded configuration in force for new requests: the algorithm, health checks,
     * ejection and slow start change at once, and those told through {@link #onReconfigured}
     * follow. Requests under way finish as they began.
     */
    public synchronized void reconfigure(BalancerConfig next) {
        BalancerConfig before = config;
        config = next;
        BackendPool.Reconciliation backends = pool.reconcile(BackendSpec.STATIC, next.backends());
        for (BackendSpec refused : backends.refused()) {
            MembershipLog.LOG.warn(
                    "backend {} of the configuration is not added: another source has its address or route", refused);
        }
        if (next.algorithm() != before.algorithm()
                || next.balancing().hashBalanceFactor() != before.balancing().hashBalanceFactor()) {
            pool.replaceAlgorithm(algorithm(next));
        }
        slowStart.reconfigure(next.balancing().slowStart());
        outliers.reconfigure(next.ejection(), next.healthChecks().rise());
        healthMonitor.reconfigure(next.healthChecks());
        reconfigured.forEach(listener -> listener.accept(next));
    }

    /** Tells the listener of every configuration put in force by {@link #reconfigure} from now on. */
    public void onReconfigured(Consumer<BalancerConfig> listener) {
        reconfigured.add(listener);
    }

    /** Logs the backends that drain and leave. */
    private static final class MembershipLog implements BackendPool.Listener {
        private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Balancer.class);

        @Override
        public void added(Backend backend) {}

        @Override
        public void removed(Backend backend) {
            LOG.info("backend {} removed: its last request has ended", backend);
        }

        @Override
        public void drained(Backend backend) {
            LOG.info("backend {} is drained: no request in flight", backend);
        }
    }

    /** Starts the health checks. */
    public void start() throws Exception {
        healthMonitor.start();
    }

    /** Stops the health checks and every other background task. */
    public void stop() {
        healthMonitor.stop();
        scheduler.shutdown();
    }

    public BalancerConfig config() {
        return config;
    }

    /** How the reloads of the configuration file went. */
    public ConfigReloads configReloads() {
        return configReloads;
    }

    /** The scheduler of the balancer's background tasks. */
    public Scheduler scheduler() {
        return scheduler;
    }

    public BackendPool pool() {
        return pool;
    }

    /** The randomness of the algorithms, also used to spread retries. */
    public RandomSource random() {
        return random;
    }

    public OutlierDetector outliers() {
        return outliers;
    }

    /** The monotonic clock in nanoseconds that every time figure is taken from. */
    public long nanoTime() {
        return nanoClock.getAsLong();
    }

    public long uptimeSeconds() {
        return TimeUnit.NANOSECONDS.toSeconds(nanoTime() - startNanos);
    }

    /** Counts one client request that was given to a backend. */
    public void requestProxied() {
        proxiedRequests.increment();
    }

    public long proxiedRequests() {
        return proxiedRequests.sum();
    }

    /** Requests in flight to all backends. */
    public int inFlight() {
        int total = 0;
        for (Backend backend : pool.backends()) {
            total += backend.inFlight();
        }
        return total;
    }

    /**
     * Waits until no request is in flight to any backend, or the grace period is over.
     *
     * @return whether every request finished
     */
    public boolean awaitIdle(Duration grace) throws InterruptedException {
        long deadline = nanoTime() + grace.toNanos();
        while (inFlight() > 0) {
            if (nanoTime() - deadline >= 0) {
                return false;
            }
            // Shutdown only: a short poll, never on the request path.
            Thread.sleep(20);
        }
        return true;
    }
}
