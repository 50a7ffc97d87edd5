package dev.jlb.discovery;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jlb.algorithm.Algorithms;
import dev.jlb.balancer.Backend;
import dev.jlb.balancer.BackendPool;
import dev.jlb.config.AlgorithmName;
import dev.jlb.config.BackendAddress;
import dev.jlb.config.BackendSpec;
import dev.jlb.config.DnsTarget;
import dev.jlb.time.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The refresh of one DNS entry on fake time, with a resolver whose answers the test sets. */
class DnsRefresherTest {
    private static final Duration MAX_REFRESH = Duration.ofSeconds(10);
    private static final DnsTarget APP = DnsTarget.parse("dns:app.internal:8080");
    private static final DnsTarget SRV = DnsTarget.parse("srv:_http._tcp.app.internal");

    private final ManualScheduler scheduler = new ManualScheduler();
    private final BackendPool pool = new BackendPool(
            List.of(new Backend(new BackendSpec(new BackendAddress("10.9.9.9", 80), 1))),
            Algorithms.create(AlgorithmName.ROUND_ROBIN, bound -> 0));
    private final FakeResolver resolver = new FakeResolver();
    private final Map<String, Integer> lookups = new TreeMap<>();
    /** Answers what the test last set, and notes when it was asked. */
    private final class FakeResolver implements Resolver {
        DnsAnswer answer;
        LookupFailedException failure;
        final List<Long> askedAt = new ArrayList<>();

        @Override
        public DnsAnswer resolve(DnsTarget target) throws LookupFailedException {
            askedAt.add(scheduler.nanoTime());
            if (failure != null) {
                throw failure;
            }
            return answer;
        }

        void answer(int ttlSeconds, DnsAnswer.Endpoint... endpoints) {
            failure = null;
            answer = new DnsAnswer(List.of(endpoints), Duration.ofSeconds(ttlSeconds));
        }

        void fail(String why) {
            failure = new LookupFailedException(why);
        }
    }

    private static DnsAnswer.Endpoint at(String host) {
        return new DnsAnswer.Endpoint(host, 8080, 1);
    }

    private DnsRefresher refresher(DnsTarget target) {
        return new DnsRefresher(
                target,
                MAX_REFRESH,
                resolver,
                pool,
                scheduler,
                scheduler::nanoTime,
                (name, ok) -> lookups.merge(name + (ok ? " ok" : " error"), 1, Integer::sum));
    }

    private List<String> fromDns() {
        return pool.backends().stream()
                .filter(b -> !b.source().equals(BackendSpec.STATIC))
                .filter(b -> !b.isRemoving())
                .map(Backend::toString)
                .sorted()
                .toList();
    }

    /** Seconds between the lookups so far. */
    private List<Long> gaps() {
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < resolver.askedAt.size(); i++) {
            gaps.add(Duration.ofNanos(resolver.askedAt.get(i) - resolver.askedAt.get(i - 1))
                    .toSeconds());
        }
        return gaps;
    }

    @Test
    void theFirstLookupIsAtOnceAndItsAddressesJoinAsBackendsOfTheEntry() {
        resolver.answer(30, at("10.0.0.2"), at("10.0.0.3"));

        refresher(APP).start();
        scheduler.runDue();

        assertEquals(List.of("10.0.0.2:8080", "10.0.0.3:8080"), fromDns());
        assertEquals("dns:app.internal:8080", pool.backends().get(1).source());
        assertEquals(Map.of("app.internal ok", 1), lookups);
        assertTrue(pool.eligible().stream().noneMatch(b -> b.source().startsWith("dns:")), "health check first");
    }

    @Test
    void aShortTtlIsHonouredAndALongOneCappedAtDnsRefresh() {
        resolver.answer(3, at("10.0.0.2"));
        refresher(APP).start();
        scheduler.advance(Duration.ofSeconds(9));
        assertEquals(List.of(3L, 3L, 3L), gaps(), "TTL 3 s: every 3 s");

        resolver.answer(3600, at("10.0.0.2"));
        scheduler.advance(Duration.ofSeconds(30));
        // The lookup due at 12 s was scheduled by the last TTL of 3 s.
        assertEquals(List.of(3L, 3L, 3L, 3L, 10L, 10L), gaps(), "TTL 1 h: every dnsRefresh");
    }

    @Test
    void aTtlBelowOneSecondMeansOneSecond() {
        resolver.answer(0, at("10.0.0.2"));
        refresher(APP).start();

        scheduler.advance(Duration.ofSeconds(3));

        assertEquals(List.of(1L, 1L, 1L), gaps());
    }

    @Test
    void aDnsRefreshBelowOneSecondMeansOneSecond() {
        resolver.answer(0, at("10.0.0.2"));
        DnsRefresher fast = new DnsRefresher(
                APP, Duration.ofMillis(200), resolver, pool, scheduler, scheduler::nanoTime, LookupListener.NONE);
        fast.start();

        scheduler.advance(Duration.ofSeconds(2));

        assertEquals(List.of(1L, 1L), gaps());
    }

    @Test
    void changesInTheAnswerAddAndRemoveBackends() {
        resolver.answer(5, at("10.0.0.2"), at("10.0.0.3"));
        refresher(APP).start();
        scheduler.runDue();

        resolver.answer(5, at("10.0.0.3"), at("10.0.0.4"));
        scheduler.advance(Duration.ofSeconds(5));

        assertEquals(List.of("10.0.0.3:8080", "10.0.0.4:8080"), fromDns());
    }

    @Test
    void aFailedLookupKeepsTheLastGoodSetAndIsLoggedOncePerChangeOfOutcome() {
        resolver.answer(1, at("10.0.0.2"), at("10.0.0.3"));
        DnsRefresher refresher = refresher(APP);
        refresher.start();
        scheduler.runDue();

        resolver.fail("A lookup of app.internal: timed out");
        scheduler.advance(Duration.ofSeconds(1));
        resolver.fail("A lookup of app.internal: SERVFAIL");
        scheduler.advance(Duration.ofSeconds(30));

        assertEquals(List.of("10.0.0.2:8080", "10.0.0.3:8080"), fromDns());
        assertEquals(Map.of("app.internal ok", 1, "app.internal error", 4), lookups);
        assertEquals(List.of(1L, 10L, 10L, 10L), gaps(), "after a failure, the next lookup in dnsRefresh");
        assertEquals(1, refresher.outagesLogged(), "one warning for the whole outage");

        resolver.answer(1, at("10.0.0.4"));
        scheduler.advance(Duration.ofSeconds(10));
        resolver.fail("again");
        scheduler.advance(Duration.ofSeconds(1));

        assertEquals(List.of("10.0.0.4:8080"), fromDns());
        assertEquals(2, refresher.outagesLogged(), "a new outage, a new warning");
    }

    @Test
    void anEmptyAnswerIsAFailureAndKeepsTheLastGoodSet() {
        resolver.answer(1, at("10.0.0.2"));
        refresher(APP).start();
        scheduler.runDue();

        resolver.answer(1);
        scheduler.advance(Duration.ofSeconds(1));

        assertEquals(List.of("10.0.0.2:8080"), fromDns());
        assertEquals(Map.of("app.internal ok", 1, "app.internal error", 1), lookups);
    }

    @Test
    void nothingLeavesWhenTheFirstLookupFails() {
        resolver.fail("no server");
        DnsRefresher refresher = refresher(APP);
        refresher.start();
        scheduler.advance(Duration.ofSeconds(20));

        assertEquals(List.of(), fromDns());
        assertEquals(1, pool.backends().size());
        assertEquals(1, refresher.outagesLogged());
    }

    @Test
    void srvWeightsBecomeJlbWeightsInProportion() {
        resolver.answer(
                5,
                new DnsAnswer.Endpoint("10.0.0.2", 8081, 60),
                new DnsAnswer.Endpoint("10.0.0.3", 8082, 30),
                new DnsAnswer.Endpoint("10.0.0.4", 8083, 10));
        refresher(SRV).start();
        scheduler.runDue();

        assertEquals(
                "10.0.0.2:8081=60 10.0.0.3:8082=30 10.0.0.4:8083=10",
                pool.backends().stream().skip(1).map(b -> b + "=" + b.weight()).collect(Collectors.joining(" ")));
        assertEquals("srv:_http._tcp.app.internal", pool.backends().get(1).source());
    }

    @Test
    void srvWeightsThatFitAreKeptZeroIsOneAndLargeOnesAreScaledToAThousand() {
        assertArrayEquals(new int[] {5, 1, 1}, SrvWeights.scale(List.of(5, 1, 1)));
        assertArrayEquals(new int[] {1, 1}, SrvWeights.scale(List.of(0, 0)));
        assertArrayEquals(new int[] {1, 10}, SrvWeights.scale(List.of(0, 10)));
        assertArrayEquals(new int[] {1000, 500, 1, 1}, SrvWeights.scale(List.of(65535, 32768, 10, 0)));
        assertArrayEquals(new int[] {1000, 250}, SrvWeights.scale(List.of(4000, 1000)));
    }

    @Test
    void aChangedSrvWeightReweightsTheBackendInPlace() {
        resolver.answer(5, new DnsAnswer.Endpoint("10.0.0.2", 8081, 1), new DnsAnswer.Endpoint("10.0.0.3", 8081, 1));
        refresher(SRV).start();
        scheduler.runDue();
        Backend first = pool.backends().get(1);

        resolver.answer(5, new DnsAnswer.Endpoint("10.0.0.2", 8081, 3), new DnsAnswer.Endpoint("10.0.0.3", 8081, 1));
        scheduler.advance(Duration.ofSeconds(5));

        assertEquals(3, first.weight());
        assertEquals(first, pool.backends().get(1));
    }

    @Test
    void aStoppedRefresherLooksNothingUpAnyMore() {
        resolver.answer(1, at("10.0.0.2"));
        DnsRefresher refresher = refresher(APP);
        refresher.start();
        scheduler.advance(Duration.ofSeconds(2));
        int before = resolver.askedAt.size();

        refresher.stop();
        scheduler.advance(Duration.ofSeconds(30));

        assertEquals(before, resolver.askedAt.size());
        assertEquals(0, scheduler.pending());
    }

    @Test
    void anAnswerThatArrivesAfterStopIsNotApplied() {
        AtomicReference<DnsRefresher> refresher = new AtomicReference<>();
        Resolver stoppedMeanwhile = target -> {
            // The lifecycle stops the refresher while the server is still answering.
            refresher.get().stop();
            return new DnsAnswer(List.of(at("10.0.0.2")), Duration.ofSeconds(5));
        };
        refresher.set(new DnsRefresher(
                APP, MAX_REFRESH, stoppedMeanwhile, pool, scheduler, scheduler::nanoTime, LookupListener.NONE));

        refresher.get().start();
        scheduler.advance(Duration.ofSeconds(30));

        assertEquals(List.of(), fromDns());
        assertEquals(0, scheduler.pending());
    }

    @Test
    void anEntrysWeightIsEveryAddressesWeight() {
        resolver.answer(5, at("10.0.0.2"));
        refresher(DnsTarget.parse("dns:app.internal:8080=4")).start();
        scheduler.runDue();

        assertEquals(4, pool.backends().get(1).weight());
    }
}
