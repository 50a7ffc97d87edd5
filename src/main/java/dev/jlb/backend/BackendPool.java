package dev.jlb.backend;

import dev.jlb.algorithm.Algorithm;
import dev.jlb.algorithm.Picker;
import dev.jlb.algorithm.RandomSource;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The backends and the snapshot of those eligible for traffic. Request threads read the
 * snapshot through one volatile field and pick from it; every change of health rebuilds a
 * whole new snapshot, one rebuild at a time, and publishes it only if the eligible set changed.
 */
public final class BackendPool {
    private final List<Backend> backends;
    private final Algorithm algorithm;
    private volatile Snapshot snapshot;

    /** The eligible backends and the algorithm's picker for exactly them. */
    private record Snapshot(List<Backend> eligible, Picker picker) {
    }

    public BackendPool(List<Backend> backends, Algorithm algorithm) {
        this.backends = List.copyOf(backends);
        this.algorithm = algorithm;
        this.snapshot = build(filterEligible());
    }

    /** Chooses a backend for a request, or {@code null} when none is eligible. */
    public Backend pick() {
        return snapshot.picker().pick();
    }

    /** Every backend, in configuration order. */
    public List<Backend> backends() {
        return backends;
    }

    public Algorithm algorithm() {
        return algorithm;
    }

    /** The backends that currently take traffic. */
    public List<Backend> eligible() {
        return snapshot.eligible();
    }

    /** Rebuilds the snapshot after a change of health or ejection; publishes it only if the eligible set changed. */
    public synchronized void rebuild() {
        List<Backend> eligible = filterEligible();
        if (!eligible.equals(snapshot.eligible())) {
            snapshot = build(eligible);
        }
    }

    /**
     * Chooses a backend for a retry: an eligible one not tried yet, at random, or {@code null}.
     * The algorithm is left alone: a retry that advanced a round robin would send the next first
     * attempt to the failing backend again.
     */
    public Backend pickOtherThan(Collection<Backend> tried, RandomSource random) {
        List<Backend> eligible = snapshot.eligible();
        int count = eligible.size();
        if (count == 0) {
            return null;
        }
        int start = random.nextInt(count);
        for (int i = 0; i < count; i++) {
            Backend backend = eligible.get((start + i) % count);
            if (!tried.contains(backend)) {
                return backend;
            }
        }
        return null;
    }

    private List<Backend> filterEligible() {
        List<Backend> eligible = new ArrayList<>(backends.size());
        for (Backend backend : backends) {
            if (backend.isEligible()) {
                eligible.add(backend);
            }
        }
        return List.copyOf(eligible);
    }

    private Snapshot build(List<Backend> eligible) {
        return new Snapshot(eligible, eligible.isEmpty() ? Picker.NONE : algorithm.pickerFor(eligible));
    }
}
