package dev.jlb.balancer;

import dev.jlb.config.BackendAddress;
import dev.jlb.config.BackendSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The changes operators made through {@code /lb-admin}, one per backend at most, laid over the
 * configuration: which backends were added, removed, reweighted or set draining. Immutable; each
 * admin call gives a new one, so that a writer can save a whole, consistent overlay while the
 * next call builds its own.
 *
 * <p>It is recorded as changes rather than as a copy of the pool so that it can be laid again over
 * a configuration that has changed since (a restart, a reload): what the configuration changed in
 * between wins, and what no longer fits is logged and skipped (see {@link #applyTo}).
 */
public record AdminOverlay(List<BackendChange> changes) {
    private static final Logger LOG = LoggerFactory.getLogger(AdminOverlay.class);

    /** No change. */
    public static final AdminOverlay EMPTY = new AdminOverlay(List.of());

    /** What {@link #applyTo} did: the overlay that now holds, and what it skipped, in words. */
    public record Applied(AdminOverlay kept, List<String> skipped) {
        public Applied {
            skipped = List.copyOf(skipped);
        }
    }

    public AdminOverlay {
        changes = List.copyOf(changes);
        Set<BackendAddress> seen = new HashSet<>();
        for (BackendChange change : changes) {
            if (!seen.add(change.address())) {
                throw new IllegalArgumentException("backend " + change.address() + " appears twice");
            }
        }
    }

    public boolean isEmpty() {
        return changes.isEmpty();
    }

    public Optional<BackendChange> find(BackendAddress address) {
        return changes.stream().filter(c -> c.address().equals(address)).findFirst();
    }

    /** This overlay after the backend was added. */
    public AdminOverlay added(BackendSpec spec) {
        return with(spec.address(), BackendChange.added(spec, false));
    }

    /** This overlay after the backend was removed. */
    public AdminOverlay removed(BackendAddress address) {
        BackendChange before = find(address).orElse(null);
        // A backend that only the admin had added leaves nothing behind.
        return with(
                address,
                before != null && before.kind() == BackendChange.Kind.ADDED ? null : BackendChange.removed(address));
    }

    /**
     * This overlay after a backend's weight and/or state were set.
     *
     * @param weight           the weight set, or {@code null} when it was not
     * @param state            the state set, or {@code null} when it was not
     * @param configuredWeight the configuration's weight for the backend, or {@code null} when it
     *                         is not in the configuration
     */
    public AdminOverlay updated(BackendAddress address, Integer weight, AdminState state, Integer configuredWeight) {
        BackendChange before = find(address).orElse(null);
        if (before != null && before.kind() == BackendChange.Kind.REMOVED) {
            // On its way out: nothing of it survives a restart anyway.
            return this;
        }
        boolean draining = state == null ? before != null && before.draining() : state == AdminState.DRAINING;
        if (before != null && before.kind() == BackendChange.Kind.ADDED) {
            int newWeight = weight != null ? weight : before.weight();
            return with(address, BackendChange.added(new BackendSpec(address, newWeight, before.route()), draining));
        }
        Integer newWeight = weight != null ? weight : before == null ? null : before.weight();
        Integer configured = weight != null ? configuredWeight : before == null ? null : before.configuredWeight();
        if (newWeight != null && newWeight.equals(configured)) {
            // Back to the configuration's weight: nothing to keep.
            newWeight = null;
            configured = null;
        }
        if (newWeight == null && !draining) {
            return with(address, null);
        }
        return with(
                address, new BackendChange(address, BackendChange.Kind.CHANGED, newWeight, configured, draining, null));
    }

    /**
     * Lays the overlay over a pool built from the configuration. The configuration wins where the
     * two disagree, and nothing here fails a start:
     *
     * <ul>
     *   <li>an added backend that the configuration now has too is left as configured;
     *   <li>a change of a backend the pool does not have is dropped, as is the removal of one the
     *       configuration no longer has;
     *   <li>a weight the operator set is dropped when the configuration's weight for that backend
     *       is no longer the one it was when the operator set it (HAProxy's rule for its
     *       server-state-file);
     *   <li>removing the last backend is refused, as it is through {@code /lb-admin}.
     * </ul>
     *
     * Applying it again to a pool it was applied to changes nothing.
     *
     * @param configured the backends of the configuration the pool was built from
     * @return the overlay that holds after the skips, and what was skipped
     */
    public Applied applyTo(BackendPool pool, List<BackendSpec> configured) {
        Map<BackendAddress, BackendSpec> byAddress = new LinkedHashMap<>();
        configured.forEach(spec -> byAddress.put(spec.address(), spec));
        List<BackendChange> kept = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        // Additions first, so that removals are not refused for leaving no backend.
        for (BackendChange change : changes) {
            if (change.kind() == BackendChange.Kind.ADDED) {
                applyAdded(pool, byAddress, change, kept, skipped);
            }
        }
        for (BackendChange change : changes) {
            if (change.kind() == BackendChange.Kind.CHANGED) {
                applyChanged(pool, byAddress, change, kept, skipped);
            }
        }
        for (BackendChange change : changes) {
            if (change.kind() == BackendChange.Kind.REMOVED) {
                applyRemoved(pool, byAddress, change, kept, skipped);
            }
        }
        pool.rebuild();
        skipped.forEach(reason -> LOG.warn("state of /lb-admin changes: {}", reason));
        return new Applied(new AdminOverlay(inOrder(kept)), skipped);
    }

    private static void applyAdded(
            BackendPool pool,
            Map<BackendAddress, BackendSpec> configured,
            BackendChange change,
            List<BackendChange> kept,
            List<String> skipped) {
        if (configured.containsKey(change.address())) {
            skipped.add("backend " + change.address()
                    + ", added through /lb-admin, is now in the configuration: it stays as configured");
            return;
        }
        Backend backend = pool.find(change.address()).orElse(null);
        if (backend == null) {
            try {
                backend = pool.add(change.spec());
            } catch (BackendPool.RefusedException e) {
                skipped.add("backend " + change.address() + ", added through /lb-admin, is not added again: "
                        + e.getMessage());
                return;
            }
        }
        backend.weight(change.weight());
        backend.state(change.draining() ? AdminState.DRAINING : AdminState.ENABLED);
        kept.add(change);
    }

    private static void applyChanged(
            BackendPool pool,
            Map<BackendAddress, BackendSpec> configured,
            BackendChange change,
            List<BackendChange> kept,
            List<String> skipped) {
        Backend backend = pool.find(change.address()).orElse(null);
        if (backend == null) {
            skipped.add("backend " + change.address() + " is no longer configured: its weight or state set through"
                    + " /lb-admin is dropped");
            return;
        }
        BackendChange keep = change;
        if (change.weight() != null) {
            BackendSpec spec = configured.get(change.address());
            if (change.configuredWeight() != null && spec != null && spec.weight() != change.configuredWeight()) {
                skipped.add("backend " + change.address() + ": the configuration changed its weight from "
                        + change.configuredWeight() + " to " + spec.weight() + " since weight " + change.weight()
                        + " was set through /lb-admin; the configuration's weight is kept");
                keep = change.draining()
                        ? new BackendChange(change.address(), BackendChange.Kind.CHANGED, null, null, true, null)
                        : null;
            } else {
                backend.weight(change.weight());
            }
        }
        if (change.draining()) {
            backend.state(AdminState.DRAINING);
        }
        if (keep != null) {
            kept.add(keep);
        }
    }

    private static void applyRemoved(
            BackendPool pool,
            Map<BackendAddress, BackendSpec> configured,
            BackendChange change,
            List<BackendChange> kept,
            List<String> skipped) {
        if (pool.find(change.address()).isEmpty()) {
            if (configured.containsKey(change.address())) {
                // Removed already (applied before): it stays removed.
                kept.add(change);
            }
            // Else no longer configured: nothing to remove, nothing to keep.
            return;
        }
        try {
            pool.remove(change.address());
            kept.add(change);
        } catch (BackendPool.RefusedException e) {
            skipped.add("backend " + change.address() + ", removed through /lb-admin, stays: " + e.getMessage());
        }
    }

    /** The kept changes in this overlay's order, so that a saved file changes only where something did. */
    private List<BackendChange> inOrder(List<BackendChange> kept) {
        List<BackendChange> ordered = new ArrayList<>();
        for (BackendChange change : changes) {
            kept.stream()
                    .filter(k -> k.address().equals(change.address()))
                    .findFirst()
                    .ifPresent(ordered::add);
        }
        return ordered;
    }

    private AdminOverlay with(BackendAddress address, BackendChange change) {
        Map<BackendAddress, BackendChange> next = new LinkedHashMap<>();
        changes.forEach(c -> next.put(c.address(), c));
        if (change == null) {
            next.remove(address);
        } else {
            next.put(address, change);
        }
        return new AdminOverlay(new ArrayList<>(next.values()));
    }
}
