package dev.jlb.discovery;

import dev.jlb.balancer.Backend;
import dev.jlb.balancer.BackendPool;
import dev.jlb.config.BackendAddress;
import dev.jlb.config.BackendSpec;
import dev.jlb.config.DnsSettings;
import dev.jlb.config.DnsTarget;
import dev.jlb.time.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks one {@code dns:} or {@code srv:} entry up again and again and makes the pool's backends
 * of that entry what the answer says. The next lookup comes after the answer's TTL, but never
 * sooner than {@link DnsSettings#MIN_REFRESH} nor later than {@code dnsRefresh}. A lookup that
 * fails or finds nothing changes nothing: the backends of the last good answer stay (a DNS
 * outage must not empty the pool). Each change of outcome is logged once, not every lookup.
 * Runs on its scheduler's thread only.
 */
final class DnsRefresher {
    private static final Logger LOG = LoggerFactory.getLogger(DnsRefresher.class);

    private final DnsTarget target;
    private final Duration maxRefresh;
    private final Resolver resolver;
    private final BackendPool pool;
    private final Scheduler scheduler;
    private final LongSupplier nanoClock;
    private final LookupListener listener;
    private volatile boolean stopped;
    private volatile Scheduler.Task next;
    // Confined to the scheduler's thread.
    private boolean failing;
    private int outagesLogged;
    private boolean everAnswered;
    private long lastGoodNanos;
    private Set<BackendSpec> lastRefused = Set.of();

    DnsRefresher(
            DnsTarget target,
            Duration maxRefresh,
            Resolver resolver,
            BackendPool pool,
            Scheduler scheduler,
            LongSupplier nanoClock,
            LookupListener listener) {
        this.target = target;
        this.maxRefresh = maxRefresh.compareTo(DnsSettings.MIN_REFRESH) < 0 ? DnsSettings.MIN_REFRESH : maxRefresh;
        this.resolver = resolver;
        this.pool = pool;
        this.scheduler = scheduler;
        this.nanoClock = nanoClock;
        this.listener = listener;
    }

    /** Looks the entry up at once, then again and again until stopped. */
    void start() {
        scheduler.execute(this::refresh);
    }

    /**
     * Stops the lookups. Once it returns, this refresher changes the pool no more: a lookup that
     * is under way is applied before (the lock) or not at all, so that whoever stops it may then
     * empty the entry's backends without a late answer adding them back.
     */
    void stop() {
        synchronized (this) {
            stopped = true;
        }
        Scheduler.Task task = next;
        if (task != null) {
            task.cancel();
        }
    }

    /** One lookup, applied; then the next is scheduled. */
    void refresh() {
        if (stopped) {
            return;
        }
        Duration delay;
        try {
            DnsAnswer answer = resolver.resolve(target);
            if (answer.endpoints().isEmpty()) {
                throw new LookupFailedException("the answer has no records");
            }
            listener.lookedUp(target.name(), true);
            apply(answer);
            delay = nextDelay(answer.ttl());
        } catch (LookupFailedException e) {
            listener.lookedUp(target.name(), false);
            failed(e.getMessage());
            delay = maxRefresh;
        } catch (RuntimeException e) {
            // A bug or a broken answer must not end the lookups for good.
            listener.lookedUp(target.name(), false);
            failed(e.toString());
            delay = maxRefresh;
        }
        if (!stopped) {
            next = scheduler.schedule(this::refresh, delay);
        }
    }

    /** The TTL, within 1 s and {@code dnsRefresh}. */
    Duration nextDelay(Duration ttl) {
        if (ttl.compareTo(DnsSettings.MIN_REFRESH) < 0) {
            return DnsSettings.MIN_REFRESH;
        }
        return ttl.compareTo(maxRefresh) > 0 ? maxRefresh : ttl;
    }

    private void apply(DnsAnswer answer) {
        List<BackendSpec> wanted = specs(answer);
        BackendPool.Reconciliation result;
        synchronized (this) {
            if (stopped) {
                return;
            }
            result = pool.reconcile(target.source(), wanted);
        }
        if (failing) {
            LOG.info("DNS: {} answers again", target.source());
            failing = false;
        }
        if (result.changed() || !everAnswered) {
            LOG.info(
                    "DNS: {} now gives {}{}{}{}",
                    target.source(),
                    addresses(wanted),
                    result.added().isEmpty() ? "" : "; joining after a health check: " + result.added(),
                    result.leaving().isEmpty() ? "" : "; draining and leaving: " + result.leaving(),
                    result.reweighted().isEmpty() ? "" : "; new weights: " + weights(result.reweighted()));
        }
        // A set: servers rotate the order of their records.
        Set<BackendSpec> refused = Set.copyOf(result.refused());
        if (!refused.equals(lastRefused) && !refused.isEmpty()) {
            LOG.warn(
                    "DNS: {} also gives {}, which another source's backend has (address or route); that one keeps it",
                    target.source(),
                    addresses(result.refused()));
        }
        lastRefused = refused;
        everAnswered = true;
        lastGoodNanos = nanoClock.getAsLong();
    }

    private void failed(String why) {
        // Once per change of outcome: the reason may vary from lookup to lookup (which server,
        // which of the names) without anything changing for the pool.
        if (failing) {
            return;
        }
        failing = true;
        outagesLogged++;
        if (everAnswered) {
            long age = TimeUnit.NANOSECONDS.toSeconds(nanoClock.getAsLong() - lastGoodNanos);
            LOG.warn(
                    "DNS: lookup of {} failed: {}; keeping the backends of the last good answer ({} s ago)",
                    target.source(),
                    why,
                    age);
        } else {
            LOG.warn("DNS: lookup of {} failed: {}; no backends from it until it answers", target.source(), why);
        }
    }

    /** How many outages were logged: one each, however many lookups failed in it. */
    int outagesLogged() {
        return outagesLogged;
    }

    /** The answer as backends of this entry: SRV weights scaled, A/AAAA with the entry's weight. */
    List<BackendSpec> specs(DnsAnswer answer) {
        List<DnsAnswer.Endpoint> endpoints = answer.endpoints();
        int[] weights = target.kind() == DnsTarget.Kind.SRV
                ? SrvWeights.scale(
                        endpoints.stream().map(DnsAnswer.Endpoint::weight).toList())
                : endpoints.stream().mapToInt(e -> target.weight()).toArray();
        List<BackendSpec> specs = new ArrayList<>(endpoints.size());
        for (int i = 0; i < endpoints.size(); i++) {
            DnsAnswer.Endpoint endpoint = endpoints.get(i);
            specs.add(new BackendSpec(
                    new BackendAddress(endpoint.host(), endpoint.port()), weights[i], null, false, target.source()));
        }
        return specs;
    }

    private static String addresses(List<BackendSpec> specs) {
        StringBuilder text = new StringBuilder("[");
        for (BackendSpec spec : specs) {
            text.append(text.length() > 1 ? ", " : "").append(spec.address());
            if (spec.weight() != 1) {
                text.append('=').append(spec.weight());
            }
        }
        return text.append(']').toString();
    }

    private static String weights(List<Backend> backends) {
        StringBuilder text = new StringBuilder();
        for (Backend backend : backends) {
            text.append(text.length() > 0 ? ", " : "")
                    .append(backend)
                    .append('=')
                    .append(backend.weight());
        }
        return text.toString();
    }
}
