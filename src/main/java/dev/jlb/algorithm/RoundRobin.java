package dev.jlb.algorithm;

import dev.jlb.backend.Backend;

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
    public AlgorithmType type() {
        return AlgorithmType.ROUND_ROBIN;
    }

    @Override
    public Picker pickerFor(List<Backend> eligible) {
        Backend[] backends = eligible.toArray(new Backend[0]);
        if (backends.length == 1) {
            Backend only = backends[0];
            return () -> only;
        }
        return () -> backends[Integer.remainderUnsigned(next.getAndIncrement(), backends.length)];
    }
}
