package dev.jlb.algorithm;

import java.util.concurrent.ThreadLocalRandom;

/** The randomness an algorithm uses, injected so that tests can script it. */
@FunctionalInterface
public interface RandomSource {
    /** A uniformly distributed int from 0 (inclusive) to {@code bound} (exclusive). */
    int nextInt(int bound);

    /** Thread-local randomness: no contention between request threads. */
    static RandomSource threadLocal() {
        return new RandomSource() {
            @Override
            public int nextInt(int bound) {
                return ThreadLocalRandom.current().nextInt(bound);
            }

            @Override
            public String toString() {
                return "thread-local random";
            }
        };
    }
}
