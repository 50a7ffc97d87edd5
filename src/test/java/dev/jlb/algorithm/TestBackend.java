package dev.jlb.algorithm;

import dev.jlb.view.BackendView;
import dev.jlb.view.PeakEwma;
import java.util.concurrent.atomic.AtomicInteger;

/** A backend as an algorithm sees it, and nothing more: a name, a weight and a count in flight the test sets. */
final class TestBackend implements BackendView {
    private final String name;
    private volatile int weight;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final PeakEwma latency = new PeakEwma();
    private volatile int warmth = WARM;

    TestBackend(String name, int weight) {
        this.name = name;
        this.weight = weight;
    }

    String name() {
        return name;
    }

    @Override
    public int weight() {
        return weight;
    }

    void weight(int weight) {
        this.weight = weight;
    }

    @Override
    public int warmth() {
        return warmth;
    }

    void warmth(int warmth) {
        this.warmth = warmth;
    }

    @Override
    public String route() {
        return name;
    }

    @Override
    public PeakEwma latency() {
        return latency;
    }

    @Override
    public int inFlight() {
        return inFlight.get();
    }

    void inFlight(int requests) {
        inFlight.set(requests);
    }

    void started() {
        inFlight.incrementAndGet();
    }

    void ended() {
        inFlight.decrementAndGet();
    }

    @Override
    public String toString() {
        return name;
    }
}
