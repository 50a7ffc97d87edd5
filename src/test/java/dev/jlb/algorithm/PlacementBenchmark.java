package dev.jlb.algorithm;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Scratch: ring against Maglev, ns per pick. Not committed. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class PlacementBenchmark {
    @Param({"RING", "MAGLEV"})
    public String kind;

    @Param({"3", "100", "1000"})
    public int backends;

    @Param({"0", "125"})
    public int factor;

    private Picker<TestBackend> picker;
    private long[] keys;
    private int next;

    @Setup
    public void build() {
        SplittableRandom random = new SplittableRandom(42);
        List<TestBackend> all = PlacementComparison.backends(backends, false);
        int total = 0;
        for (TestBackend b : all) {
            b.weight(1 + random.nextInt(5));
            int load = random.nextInt(10);
            b.inFlight(load);
            total += load;
        }
        int sum = total;
        picker = ConsistentHash.create(() -> sum, factor, ConsistentHash.Kind.valueOf(kind))
                .pickerFor(all);
        keys = new long[1 << 16];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = random.nextLong();
        }
    }

    @Benchmark
    public TestBackend pick() {
        return picker.pick(keys[next++ & (keys.length - 1)]);
    }
}
