package dev.jlb.algorithm;

import dev.jlb.config.AlgorithmName;
import dev.jlb.view.BackendView;
import java.util.List;

/**
 * A uniformly random eligible backend. Configured weights are ignored, but slow start is not:
 * while a backend warms up, backends are drawn in proportion to their warmth (an alias table, so
 * still constant time).
 */
public final class RandomChoice implements Algorithm {
    private final RandomSource random;

    private RandomChoice(RandomSource random) {
        this.random = random;
    }

    /** A random choice drawing from the given source. */
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
        long[] warmths = new long[backends.size()];
        for (int i = 0; i < warmths.length; i++) {
            warmths[i] = backends.get(i).warmth();
        }
        return new Draw<>(backends, AliasTable.of(warmths), random);
    }

    @Override
    public String toString() {
        return "random";
    }

    private static final class Draw<B> implements Picker<B> {
        private final List<B> backends;
        private final AliasTable table;
        private final RandomSource random;

        Draw(List<B> backends, AliasTable table, RandomSource random) {
            this.backends = backends;
            this.table = table;
            this.random = random;
        }

        @Override
        public B pick(long key) {
            return backends.get(table.draw(random));
        }

        @Override
        public String toString() {
            return "random over " + backends.size() + (table.uniform() ? "" : " (by warmth)");
        }
    }
}
