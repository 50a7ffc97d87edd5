package dev.jlb.balancer;

import dev.jlb.algorithm.Algorithm;
import dev.jlb.algorithm.Picker;
import dev.jlb.algorithm.RandomSource;
import dev.jlb.config.BackendAddress;
import dev.jlb.config.BackendSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/**
 * The backends and the snapshot of those eligible for traffic. Request threads read the
 * snapshot through one volatile field and pick from it; every change of health, weight, state or
 * membership rebuilds a whole new snapshot, one rebuild at a time, and publishes it only if it
 * differs.
 */
public final class BackendPool {
    private volatile Algorithm algorithm;
    private final SlowStart slowStart;
    private final LongAdder inFlight;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile List<Backend> backends;
    private volatile Snapshot snapshot;

    /**
     * The eligible backends with the weights and warmth they had, the algorithm's picker for
     * exactly them, and the backends that sessions may still be routed to, by route.
     */
    private record Snapshot(
            List<Backend> eligible, List<Long> shape, Map<String, Backend> byRoute, Picker<Backend> picker) {
        @Override
        public String toString() {
            return "Snapshot" + eligible + " by " + picker;
        }
    }

    /** Told when a backend joins or leaves the pool, or has drained. */
    public interface Listener {
        void added(Backend backend);

        void removed(Backend backend);

        /** A draining backend's last request in flight has ended. */
        default void drained(Backend backend) {}
    }

    /** Why a change of membership was refused. */
    public enum Refusal {
        ALREADY_PRESENT,
        UNKNOWN,
        LAST_BACKEND
    }

    /** A refused change of membership. */
    public static final class RefusedException extends Exception {
        private final Refusal refusal;

        RefusedException(Refusal refusal, String message) {
            super(message);
            this.refusal = refusal;
        }

        public Refusal refusal() {
            return refusal;
        }
    }

    /**
     * What a {@link #reconcile} did.
     *
     * @param added      new backends, which take traffic once a health check has passed
     * @param leaving    backends gone from the source: no new requests, removed when idle
     * @param reweighted backends that stay, with the new weight their source gave them
     * @param refused    wanted backends whose address or route another source's backend holds
     */
    public record Reconciliation(
            List<Backend> added, List<Backend> leaving, List<Backend> reweighted, List<BackendSpec> refused) {
        /** Whether the pool's membership or a weight changed. */
        public boolean changed() {
            return !added.isEmpty() || !leaving.isEmpty() || !reweighted.isEmpty();
        }
    }

    /** A pool without slow start, counting its requests in flight for nobody (tests). */
    public BackendPool(List<Backend> backends, Algorithm algorithm) {
        this(backends, algorithm, SlowStart.off(), new LongAdder());
    }

    /**
     * @param slowStart how backends that become eligible ramp up
     * @param inFlight  where the requests in flight to all its backends are counted (the
     *                  algorithm may read it)
     */
    BackendPool(List<Backend> backends, Algorithm algorithm, SlowStart slowStart, LongAdder inFlight) {
        this.backends = List.copyOf(backends);
        this.algorithm = algorithm;
        this.slowStart = slowStart;
        this.inFlight = inFlight;
        // The backends of the start-up configuration are where traffic starts: no slow start for them.
        List<Backend> eligible = filterEligible();
        this.snapshot = build(eligible);
        this.backends.forEach(this::watch);
    }

    /** Chooses a backend for a request, or {@code null} when none is eligible. */
    public Backend pick() {
        return snapshot.picker().pick(0);
    }

    /**
     * Chooses a backend for a request with this key (see {@link Algorithm#usesKey()}), or
     * {@code null} when none is eligible.
     */
    public Backend pick(long key) {
        return snapshot.picker().pick(key);
    }

    /**
     * The backend a session's route names, if it may take the request (healthy, not ejected,
     * staying; draining is fine), else {@code null}.
     */
    public Backend byRoute(String route) {
        return snapshot.byRoute().get(route);
    }

    /** Every backend, in the order they joined. */
    public List<Backend> backends() {
        return backends;
    }

    public Optional<Backend> find(BackendAddress address) {
        for (Backend backend : backends) {
            if (backend.address().equals(address)) {
                return Optional.of(backend);
            }
        }
        return Optional.empty();
    }

    public Algorithm algorithm() {
        return algorithm;
    }

    /** The backends that currently take traffic. */
    public List<Backend> eligible() {
        return snapshot.eligible();
    }

    public void addListener(Listener listener) {
        listeners.add(listener);
        backends.forEach(listener::added);
    }

    /**
     * Adds a backend; it takes traffic once a health check has passed.
     *
     * @throws RefusedException if a backend with that address or route is in the pool
     */
    public Backend add(BackendSpec spec) throws RefusedException {
        Backend backend;
        synchronized (this) {
            if (find(spec.address()).isPresent()) {
                throw new RefusedException(
                        Refusal.ALREADY_PRESENT, "backend " + spec.address() + " is already present");
            }
            String route = spec.routeId();
            for (Backend other : backends) {
                if (other.route().equals(route)) {
                    throw new RefusedException(
                            Refusal.ALREADY_PRESENT, "route '" + route + "' is already that of backend " + other);
                }
            }
            backend = new Backend(spec, false);
            watch(backend);
            List<Backend> more = new ArrayList<>(backends);
            more.add(backend);
            backends = List.copyOf(more);
        }
        listeners.forEach(listener -> listener.added(backend));
        return backend;
    }

    /**
     * Takes a backend out of rotation at once and out of the pool once its requests in flight
     * have finished.
     *
     * @throws RefusedException if it is unknown, or the last backend not already being removed
     */
    public Backend remove(BackendAddress address) throws RefusedException {
        Backend backend;
        synchronized (this) {
            backend = find(address).orElseThrow(() -> new RefusedException(Refusal.UNKNOWN, "no backend " + address));
            if (!backend.isRemoving()) {
                long staying = backends.stream().filter(b -> !b.isRemoving()).count();
                if (staying <= 1) {
                    throw new RefusedException(
                            Refusal.LAST_BACKEND,
                            "backend " + address + " is the last one; add another before removing it");
                }
                backend.markRemoving();
            }
            rebuild();
        }
        if (backend.inFlight() == 0) {
            forget(backend);
        }
        return backend;
    }

    /**
     * Makes a source's backends those wanted, in one change: backends new to the pool are added
     * (taking traffic once a health check has passed, then through slow start, as {@link #add}),
     * the source's backends not wanted any more are removed as {@link #remove} does (no new
     * requests, gone once their requests in flight have ended; unlike it, even the last one), and
     * those that stay keep their counters, health and state, and take the wanted weight if their
     * source changed it (an admin's change of weight lasts until then). A backend is known by its
     * address alone: a staying backend's route and scheme are not changed. A leaving backend that
     * is wanted again before it has gone stays.
     *
     * <p>An address belongs to one source: the backend that has it keeps it, and a wanted
     * backend with an address or route of another source's backend is refused (the caller logs
     * it; a later reconcile adds it once the other has gone). Request threads see the pool as it
     * was or as it is after the whole change, never in between: one snapshot is published.
     *
     * @param wanted the source's backends, each with that {@link BackendSpec#source()}; of two
     *               with the same address, the first counts
     */
    public Reconciliation reconcile(String source, Collection<BackendSpec> wanted) {
        for (BackendSpec spec : wanted) {
            if (!spec.source().equals(source)) {
                throw new IllegalArgumentException(
                        "backend " + spec.address() + " is from " + spec.source() + ", not " + source);
            }
        }
        Map<BackendAddress, BackendSpec> byAddress = new LinkedHashMap<>();
        wanted.forEach(spec -> byAddress.putIfAbsent(spec.address(), spec));
        List<Backend> added = new ArrayList<>();
        List<Backend> leaving = new ArrayList<>();
        List<Backend> reweighted = new ArrayList<>();
        List<BackendSpec> refused = new ArrayList<>();
        synchronized (this) {
            List<Backend> next = new ArrayList<>(backends);
            Map<BackendAddress, Backend> present = new HashMap<>();
            Set<String> routes = new HashSet<>();
            for (Backend backend : backends) {
                present.put(backend.address(), backend);
                routes.add(backend.route());
                if (!backend.source().equals(source)) {
                    continue;
                }
                BackendSpec spec = byAddress.get(backend.address());
                if (spec == null) {
                    if (!backend.isRemoving()) {
                        backend.markRemoving();
                        leaving.add(backend);
                    }
                    continue;
                }
                backend.keep();
                if (spec.weight() != backend.sourceWeight()) {
                    backend.sourceWeight(spec.weight());
                    backend.weight(spec.weight());
                    reweighted.add(backend);
                }
            }
            for (BackendSpec spec : byAddress.values()) {
                Backend holder = present.get(spec.address());
                if (holder != null) {
                    if (!holder.source().equals(source)) {
                        refused.add(spec);
                    }
                    continue;
                }
                if (!routes.add(spec.routeId())) {
                    refused.add(spec);
                    continue;
                }
                Backend backend = new Backend(spec, false);
                watch(backend);
                next.add(backend);
                added.add(backend);
            }
            if (!added.isEmpty()) {
                backends = List.copyOf(next);
            }
            rebuild();
        }
        added.forEach(backend -> listeners.forEach(listener -> listener.added(backend)));
        for (Backend backend : leaving) {
            if (backend.inFlight() == 0) {
                forget(backend);
            }
        }
        return new Reconciliation(
                List.copyOf(added), List.copyOf(leaving), List.copyOf(reweighted), List.copyOf(refused));
    }

    /**
     * Rebuilds the snapshot after a change; publishes it only if the eligible set, a weight, a
     * warmth or the routable set changed.
     */
    public synchronized void rebuild() {
        List<Backend> eligible = filterEligible();
        Snapshot current = snapshot;
        slowStart.apply(Set.copyOf(current.eligible()), eligible, this::rebuild);
        if (!eligible.equals(current.eligible())
                || !shape(eligible).equals(current.shape())
                || !routable().equals(current.byRoute())) {
            snapshot = build(eligible);
        }
    }

    /**
     * Changes the algorithm for the picks from now on: a new snapshot with the new algorithm's
     * picker over the same eligible backends is published at once.
     */
    public synchronized void replaceAlgorithm(Algorithm next) {
        algorithm = next;
        snapshot = build(filterEligible());
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

    private void watch(Backend backend) {
        backend.countInto(inFlight);
        backend.whenIdle(() -> {
            if (backend.isRemoving()) {
                forget(backend);
            } else {
                listeners.forEach(listener -> listener.drained(backend));
            }
        });
    }

    /** Drops a backend that is being removed, once; its last request has ended. */
    private void forget(Backend backend) {
        synchronized (this) {
            // Not if its source wanted it back in the meantime (see reconcile).
            if (!backend.isRemoving() || !backends.contains(backend)) {
                return;
            }
            List<Backend> fewer = new ArrayList<>(backends);
            fewer.remove(backend);
            backends = List.copyOf(fewer);
            rebuild();
        }
        listeners.forEach(listener -> listener.removed(backend));
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

    private Map<String, Backend> routable() {
        Map<String, Backend> routes = new HashMap<>();
        for (Backend backend : backends) {
            if (backend.isRoutable()) {
                routes.put(backend.route(), backend);
            }
        }
        return Map.copyOf(routes);
    }

    /** What of the eligible backends the pickers depend on besides who they are: weight and warmth. */
    private static List<Long> shape(List<Backend> backends) {
        return backends.stream()
                .map(b -> ((long) b.weight() << 32) | b.warmth())
                .toList();
    }

    private Snapshot build(List<Backend> eligible) {
        return new Snapshot(
                eligible,
                shape(eligible),
                routable(),
                eligible.isEmpty() ? Picker.none() : algorithm.pickerFor(eligible));
    }
}
