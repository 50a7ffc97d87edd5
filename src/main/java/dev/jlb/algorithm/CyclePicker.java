package dev.jlb.algorithm;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Walks a precomputed cycle with a counter owned by the algorithm, so that a rebuilt snapshot
 * carries on where the last one stopped. The counter is read as unsigned: it wraps from 2^32-1 to
 * 0 without a negative index.
 */
final class CyclePicker<B> implements Picker<B> {
    private final String name;
    private final int backends;
    private final List<B> cycle;
    private final int length;
    private final AtomicInteger next;

    CyclePicker(String name, int backends, List<B> cycle, AtomicInteger next) {
        this.name = name;
        this.backends = backends;
        this.cycle = cycle;
        this.length = cycle.size();
        this.next = next;
    }

    @Override
    public B pick(long key) {
        return cycle.get(Integer.remainderUnsigned(next.getAndIncrement(), length));
    }

    @Override
    public String toString() {
        return name + " over " + backends + (length == backends ? "" : " (cycle of " + length + ")");
    }
}
