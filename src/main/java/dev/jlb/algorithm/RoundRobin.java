package dev.jlb.algorithm;

import dev.jlb.config.AlgorithmName;
import dev.jlb.view.BackendView;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The eligible backends in turn. One shared counter, kept across rebuilds. It starts at the
 * first backend, as nginx and HAProxy do, so that a fresh balancer's order is the configured one.
 * The counter is read as unsigned, so it wraps from 2^32-1 to 0 without a negative index.
 */
public final class RoundRobin implements Algorithm {
    private final AtomicInteger next;

    private RoundRobin(int start) {
        this.next = new AtomicInteger(start);
    }

    public static RoundRobin create() {
        return new RoundRobin(0);
    }

    /** A round robin whose counter starts at the given value (for tests of the wrap-around). */
    static RoundRobin startingAt(int start) {
        return new RoundRobin(start);
    }

    @Override
    public AlgorithmName name() {
        return AlgorithmName.ROUND_ROBIN;
    }

    @Override
    public <B extends BackendView> Picker<B> pickerFor(List<B> eligible) {
        List<B> backends = List.copyOf(eligible);
        if (backends.size() == 1) {
            B only = backends.get(0);
            return key -> only;
        }
        int count = backends.size();
        return key -> backends.get(Integer.remainderUnsigned(next.getAndIncrement(), count));
    }

    @Override
    public String toString() {
        return "round_robin";
    }
}
