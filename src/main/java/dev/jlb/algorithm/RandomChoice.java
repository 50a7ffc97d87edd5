package dev.jlb.algorithm;

import dev.jlb.config.AlgorithmName;
import dev.jlb.view.BackendView;
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
    public AlgorithmName name() {
        return AlgorithmName.RANDOM;
    }

    @Override
    public <B extends BackendView> Picker<B> pickerFor(List<B> eligible) {
        List<B> backends = List.copyOf(eligible);
        int count = backends.size();
        return key -> backends.get(random.nextInt(count));
    }

    @Override
    public String toString() {
        return "random";
    }
}
