package dev.jlb.algorithm;

import dev.jlb.backend.Backend;

import java.util.List;

/** A uniformly random eligible backend. */
public final class RandomChoice implements Algorithm {
    private final RandomSource random;

    private RandomChoice(RandomSource random) {
        this.random = random;
    }

    public static RandomChoice create(RandomSource random) {
        return new RandomChoice(random);
    }

    @Override
    public AlgorithmType type() {
        return AlgorithmType.RANDOM;
    }

    @Override
    public Picker pickerFor(List<Backend> eligible) {
        Backend[] backends = eligible.toArray(new Backend[0]);
        return () -> backends[random.nextInt(backends.length)];
    }
}
