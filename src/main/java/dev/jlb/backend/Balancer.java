package dev.jlb.backend;

import dev.jlb.algorithm.RandomSource;
import dev.jlb.config.BalancerConfig;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * What the webapp's servlets share: the configuration, the backend pool and the balancer-wide
 * counters. Created once per webapp start and kept as a servlet context attribute.
 */
public final class Balancer {
    /** The servlet context attribute under which the running balancer is kept. */
    public static final String ATTRIBUTE = Balancer.class.getName();

    private final BalancerConfig config;
    private final BackendPool pool;
    private final LongSupplier nanoClock;
    private final long startNanos;
    private final LongAdder proxiedRequests = new LongAdder();

    public Balancer(BalancerConfig config, RandomSource random, LongSupplier nanoClock) {
        this.config = config;
        this.nanoClock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
        List<Backend> backends = config.backends().stream().map(Backend::new).toList();
        this.pool = new BackendPool(backends, config.algorithm().create(random));
    }

    public BalancerConfig config() {
        return config;
    }

    public BackendPool pool() {
        return pool;
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
}
