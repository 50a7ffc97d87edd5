package dev.jlb.algorithm;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jlb.config.AlgorithmName;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** What every rule promises of any snapshot: a pick is never null and always one of its backends. */
class PickerPropertiesTest {
    @Property(tries = 350)
    void aPickerOverBackendsAlwaysPicksOneOfThem(
            @ForAll AlgorithmName name,
            @ForAll @IntRange(min = 1, max = 40) int count,
            @ForAll @IntRange(min = 0, max = 400) int balanceFactor,
            @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<TestBackend> backends = new ArrayList<>();
        int total = 0;
        for (int i = 0; i < count; i++) {
            TestBackend backend = new TestBackend("b" + i, 1 + random.nextInt(1000));
            backend.warmth(100 * (1 + random.nextInt(10)));
            backend.inFlight(random.nextInt(50));
            if (random.nextBoolean()) {
                backend.latency().observe(0, 1 + random.nextInt(1_000_000_000));
            }
            total += backend.inFlight();
            backends.add(backend);
        }
        int sum = total;
        AtomicLong clock = new AtomicLong(random.nextInt(100_000) * 1_000_000L);
        Algorithm algorithm =
                Algorithms.create(name, new AlgorithmOptions(random::nextInt, clock::get, () -> sum, balanceFactor));
        Set<TestBackend> members = Collections.newSetFromMap(new IdentityHashMap<>());
        members.addAll(backends);
        Picker<TestBackend> picker = algorithm.pickerFor(backends);
        for (int i = 0; i < 50; i++) {
            clock.addAndGet(random.nextInt(1_000_000_000));
            TestBackend picked = picker.pick(random.nextLong());
            assertNotNull(picked, picker::toString);
            assertTrue(members.contains(picked), picker::toString);
        }
    }
}
