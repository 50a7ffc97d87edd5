package dev.jlb.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jlb.algorithm.Algorithms;
import dev.jlb.balancer.BackendPool;
import dev.jlb.config.AlgorithmName;
import dev.jlb.config.DnsSettings;
import dev.jlb.config.DnsTarget;
import dev.jlb.time.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DnsDiscoveryTest {
    private final ManualScheduler scheduler = new ManualScheduler();
    private final BackendPool pool =
            new BackendPool(List.of(), Algorithms.create(AlgorithmName.ROUND_ROBIN, bound -> 0));
    private final List<String> asked = new ArrayList<>();
    private boolean closed;

    private final Resolver resolver = new Resolver() {
        @Override
        public DnsAnswer resolve(DnsTarget target) {
            asked.add(target.source());
            return new DnsAnswer(
                    List.of(new DnsAnswer.Endpoint("10.0.0." + (asked.size() + 1), 80, 1)), Duration.ofSeconds(60));
        }

        @Override
        public void close() {
            closed = true;
        }
    };

    @Test
    void everyEntryIsLookedUpOnItsOwnScheduleUntilStopped() {
        DnsSettings settings = new DnsSettings(
                List.of(DnsTarget.parse("dns:a.internal:80"), DnsTarget.parse("srv:_http._tcp.b.internal")),
                null,
                Duration.ofSeconds(5));
        DnsDiscovery discovery =
                new DnsDiscovery(settings, resolver, pool, scheduler, scheduler::nanoTime, LookupListener.NONE);

        discovery.start();
        scheduler.runDue();
        assertEquals(List.of("dns:a.internal:80", "srv:_http._tcp.b.internal"), asked);
        assertEquals(2, pool.backends().size());

        scheduler.advance(Duration.ofSeconds(5));
        assertEquals(4, asked.size(), "every dnsRefresh, the TTL being longer");

        discovery.stop();
        scheduler.advance(Duration.ofSeconds(60));
        assertEquals(4, asked.size());
        assertTrue(closed, "the resolver lets go of its threads");
    }
}
