package dev.jlb.balancer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.jlb.algorithm.Algorithms;
import dev.jlb.config.AlgorithmName;
import dev.jlb.config.BackendAddress;
import dev.jlb.config.BackendSpec;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class BackendPoolTest {
    private static final long NOW = 1_000_000_000L;

    private static List<Backend> backends(int count) {
        return IntStream.range(0, count)
                .mapToObj(i -> new Backend(new BackendSpec(new BackendAddress("10.0.0." + (i + 1), 80), 1 + i)))
                .toList();
    }

    private static void check(BackendPool pool, Backend backend, boolean passed) {
        backend.health().beginCheck();
        if (backend.health().endCheck(passed, NOW, 1_000_000, 1, 1)) {
            pool.rebuild();
        }
    }

    private static BackendPool pool(List<Backend> backends, AlgorithmName type) {
        SplittableRandom random = new SplittableRandom(7);
        return new BackendPool(backends, Algorithms.create(type, random::nextInt));
    }

    @ParameterizedTest
    @EnumSource(AlgorithmName.class)
    void everyAlgorithmSkipsUnhealthyBackends(AlgorithmName type) {
        List<Backend> backends = backends(3);
        BackendPool pool = pool(backends, type);
        check(pool, backends.get(1), false);
        Set<Backend> picked = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            // Keys of many requests, for the rule that routes by one.
            picked.add(pool.pick(i * 0x9E3779B97F4A7C15L));
        }
        assertEquals(Set.of(backends.get(0), backends.get(2)), picked);
    }

    @ParameterizedTest
    @EnumSource(AlgorithmName.class)
    void everyAlgorithmReturnsNoneWhenNoBackendIsHealthy(AlgorithmName type) {
        List<Backend> backends = backends(2);
        BackendPool pool = pool(backends, type);
        backends.forEach(b -> check(pool, b, false));
        assertNull(pool.pick());
        assertEquals(List.of(), pool.eligible());
    }

    @ParameterizedTest
    @EnumSource(AlgorithmName.class)
    void aRecoveredBackendTakesTrafficAgain(AlgorithmName type) {
        List<Backend> backends = backends(2);
        BackendPool pool = pool(backends, type);
        backends.forEach(b -> check(pool, b, false));
        check(pool, backends.get(0), true);
        for (int i = 0; i < 10; i++) {
            assertSame(backends.get(0), pool.pick());
        }
    }

    @Test
    void allBackendsAreEligibleBeforeTheFirstCheck() {
        List<Backend> backends = backends(3);
        assertEquals(backends, pool(backends, AlgorithmName.ROUND_ROBIN).eligible());
    }

    @Test
    void aChangeThatLeavesTheEligibleSetAsItWasPublishesNothingNew() {
        List<Backend> backends = backends(2);
        BackendPool pool = pool(backends, AlgorithmName.ROUND_ROBIN);
        List<Backend> before = pool.eligible();
        pool.rebuild();
        assertSame(before, pool.eligible());
    }
}
