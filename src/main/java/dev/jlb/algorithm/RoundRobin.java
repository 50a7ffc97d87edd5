package dev.jlb.algorithm;

import dev.jlb.config.AlgorithmName;
import dev.jlb.view.BackendView;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The eligible backends in turn. One shared counter, kept across rebuilds. It starts at the
 * first backend, as nginx and HAProxy do, so that a fresh balancer's order is the configured one.
 * The counter is read as unsigned, so it wraps from 2^32-1 to 0 without a negative index.
 *
 * <p>Configured weights are ignored, but slow start is not: while a backend warms up, the turns
 * follow nginx's smooth cycle on the warmths in tenths (1 to 10), so a backend at a tenth of its
 * warmth gets one turn where a warm one gets ten. With every backend warm the cycle is the plain
 * order.
 */
public final class RoundRobin implements Algorithm {
    private final AtomicInteger next;

    private RoundRobin(int start) {
        this.next = new AtomicInteger(start);
    }

    /** A round robin starting at the first backend. */
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
            return new OnlyPicker<>(toString(), backends.get(0));
        }
        if (Shares.allWarm(backends)) {
            return new CyclePicker<>(toString(), backends.size(), backends, next);
        }
        long[] tenths = new long[backends.size()];
        for (int i = 0; i < tenths.length; i++) {
            tenths[i] = Shares.tenths(backends.get(i).warmth());
        }
        return new CyclePicker<>(toString(), backends.size(), SmoothCycle.of(backends, tenths), next);
    }

    @Override
    public String toString() {
        return "round_robin";
    }
}
