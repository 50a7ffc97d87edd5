package dev.jlb.bench;

import dev.jlb.algorithm.Algorithms;
import dev.jlb.algorithm.Picker;
import dev.jlb.algorithm.RandomSource;
import dev.jlb.balancer.Backend;
import dev.jlb.config.AlgorithmName;
import dev.jlb.config.BackendAddress;
import dev.jlb.config.BackendSpec;
import java.util.ArrayList;
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

/**
 * One pick of each algorithm from a snapshot of 3, 100 and 1,000 backends: what every proxied
 * request pays for choosing. Run with bench/jmh (one and two threads, with -prof gc for the
 * allocation per pick).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SelectionBenchmark {
    @Param({"ROUND_ROBIN", "WEIGHTED_ROUND_ROBIN", "RANDOM", "LEAST_CONNECTIONS"})
    public AlgorithmName algorithm;

    @Param({"3", "100", "1000"})
    public int backends;

    private Picker<Backend> picker;

    @Setup
    public void build() {
        SplittableRandom random = new SplittableRandom(42);
        List<Backend> all = new ArrayList<>();
        for (int i = 0; i < backends; i++) {
            Backend backend = new Backend(new BackendSpec(
                    new BackendAddress("10.0." + i / 250 + "." + (i % 250 + 1), 8080), 1 + random.nextInt(5)));
            // Every backend busy: least connections must look at all of them to find the least loaded.
            int load = 1 + random.nextInt(10);
            for (int r = 0; r < load; r++) {
                backend.requestStarted();
            }
            all.add(backend);
        }
        picker = Algorithms.create(algorithm, RandomSource.threadLocal()).pickerFor(all);
    }

    @Benchmark
    public Backend pick() {
        return picker.pick(0);
    }
}
