package dev.jlb.bench;

import dev.jlb.algorithm.AlgorithmOptions;
import dev.jlb.algorithm.Algorithms;
import dev.jlb.algorithm.Picker;
import dev.jlb.algorithm.RandomSource;
import dev.jlb.config.AlgorithmName;
import dev.jlb.view.BackendView;
import dev.jlb.view.PeakEwma;
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
 *
 * <p>The backends are a bench-local {@link BackendView}, so the algorithms are measured alone:
 * weights 1 to 5, every backend busy with a realistic spread of requests in flight (most hold a
 * few, one in ten many more), a latency estimate for each, all warm. consistent_hash gets a
 * different random key on every pick (from a table per thread, so the keys are not what is
 * measured) and the default load bound of 125%, under which the busiest backends pass keys on.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SelectionBenchmark {
    @Param({
        "ROUND_ROBIN",
        "WEIGHTED_ROUND_ROBIN",
        "RANDOM",
        "LEAST_CONNECTIONS",
        "LEAST_REQUEST",
        "PEAK_EWMA",
        "CONSISTENT_HASH"
    })
    public AlgorithmName algorithm;

    @Param({"3", "100", "1000"})
    public int backends;

    private Picker<BenchBackend> picker;

    /** A backend as the algorithms see it, with fixed figures. */
    static final class BenchBackend implements BackendView {
        private final String route;
        private final int weight;
        private final int inFlight;
        private final PeakEwma latency = new PeakEwma();

        BenchBackend(String route, int weight, int inFlight, long latencyNanos) {
            this.route = route;
            this.weight = weight;
            this.inFlight = inFlight;
            latency.observe(System.nanoTime(), latencyNanos);
        }

        @Override
        public int weight() {
            return weight;
        }

        @Override
        public int warmth() {
            return WARM;
        }

        @Override
        public int inFlight() {
            return inFlight;
        }

        @Override
        public String route() {
            return route;
        }

        @Override
        public PeakEwma latency() {
            return latency;
        }

        @Override
        public String toString() {
            return route;
        }
    }

    /** Each thread's own keys, so that threads share nothing but the picker. */
    @State(Scope.Thread)
    public static class Keys {
        private final long[] keys = new long[1 << 12];
        private int next;

        /** Random keys, as KeyHash.hash of client addresses would give. */
        @Setup
        public void fill() {
            SplittableRandom random =
                    new SplittableRandom(Thread.currentThread().getId());
            for (int i = 0; i < keys.length; i++) {
                keys[i] = random.nextLong();
            }
        }

        long next() {
            return keys[next++ & (keys.length - 1)];
        }
    }

    /** Builds the backends and the picker. */
    @Setup
    public void build() {
        SplittableRandom random = new SplittableRandom(42);
        List<BenchBackend> all = new ArrayList<>();
        int total = 0;
        for (int i = 0; i < backends; i++) {
            int load = random.nextInt(5) + (random.nextInt(10) == 0 ? 10 + random.nextInt(30) : 0);
            total += load;
            all.add(new BenchBackend(
                    "10.0." + i / 250 + "." + (i % 250 + 1) + ":8080",
                    1 + random.nextInt(5),
                    load,
                    1_000_000L + random.nextInt(50_000_000)));
        }
        int inFlight = total;
        picker = Algorithms.create(
                        algorithm,
                        new AlgorithmOptions(RandomSource.threadLocal(), System::nanoTime, () -> inFlight, 125))
                .pickerFor(all);
    }

    /** One pick. */
    @Benchmark
    public BenchBackend pick(Keys keys) {
        return picker.pick(keys.next());
    }
}
