package dev.jlb.discovery;

import dev.jlb.balancer.BackendPool;
import dev.jlb.config.DnsSettings;
import dev.jlb.config.DnsTarget;
import dev.jlb.time.ExecutorScheduler;
import dev.jlb.time.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Keeps the pool's backends of every {@code dns:NAME:PORT} and {@code srv:NAME} entry in step
 * with DNS, one {@link DnsRefresher} per entry, all on one scheduler of their own: a lookup
 * blocks while it waits for the server, and must not hold up the health checks.
 */
public final class DnsDiscovery {
    /** How long one question may wait for the server; a lookup asks a few (A, AAAA, SRV targets). */
    static final Duration QUESTION_TIMEOUT = Duration.ofSeconds(2);

    private final List<DnsRefresher> refreshers = new ArrayList<>();
    private final Scheduler scheduler;

    /**
     * @param resolver  how entries are looked up
     * @param scheduler where the lookups run and are timed; shut down by {@link #stop}
     */
    public DnsDiscovery(
            DnsSettings settings,
            Resolver resolver,
            BackendPool pool,
            Scheduler scheduler,
            LongSupplier nanoClock,
            LookupListener listener) {
        this.scheduler = scheduler;
        for (DnsTarget target : settings.targets()) {
            refreshers.add(
                    new DnsRefresher(target, settings.refresh(), resolver, pool, scheduler, nanoClock, listener));
        }
    }

    /** Discovery with dnsjava asking the configured server, on a thread of its own. */
    public static DnsDiscovery withDns(DnsSettings settings, BackendPool pool, LookupListener listener) {
        return new DnsDiscovery(
                settings,
                new DnsjavaResolver(settings.server(), QUESTION_TIMEOUT),
                pool,
                new ExecutorScheduler("jlb-dns"),
                System::nanoTime,
                listener);
    }

    /** Looks every entry up at once, then again as their TTLs and {@code dnsRefresh} say. */
    public void start() {
        refreshers.forEach(DnsRefresher::start);
    }

    public void stop() {
        refreshers.forEach(DnsRefresher::stop);
        scheduler.shutdown();
    }
}
