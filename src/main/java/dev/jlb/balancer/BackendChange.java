package dev.jlb.balancer;

import dev.jlb.config.BackendAddress;
import dev.jlb.config.BackendSpec;
import java.util.Objects;

/**
 * What an operator changed on one backend through {@code /lb-admin}, as it is kept across
 * restarts.
 *
 * @param address          the backend
 * @param kind             added, changed or removed
 * @param weight           an added backend's weight; a changed one's, or {@code null} when only its state changed
 * @param configuredWeight the configuration's weight when the weight was changed, or {@code null}: a
 *                         configuration that has since changed the weight wins over the operator's
 * @param draining         whether it was set draining (an added or changed backend)
 * @param route            an added backend's route, or {@code null} for the one derived from its address
 */
public record BackendChange(
        BackendAddress address, Kind kind, Integer weight, Integer configuredWeight, boolean draining, String route) {

    /** How the operator changed the backend. */
    public enum Kind {
        /** Added through {@code /lb-admin}: not in the configuration when it was added. */
        ADDED,
        /** A weight or state set on a backend of the configuration. */
        CHANGED,
        /** Removed through {@code /lb-admin}. */
        REMOVED
    }

    public BackendChange {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(kind, "kind");
        switch (kind) {
            case ADDED -> {
                if (weight == null || configuredWeight != null) {
                    throw new IllegalArgumentException("an added backend has a weight and no configured weight");
                }
                // Checks the weight and the route as the configuration does.
                new BackendSpec(address, weight, route);
            }
            case CHANGED -> {
                if (route != null) {
                    throw new IllegalArgumentException("only an added backend has a route of the admin's");
                }
                if (weight == null ? configuredWeight != null : !validWeight(weight)) {
                    throw new IllegalArgumentException(
                            "weight " + weight + " is not from 1 to " + BackendSpec.MAX_WEIGHT);
                }
                if (configuredWeight != null && !validWeight(configuredWeight)) {
                    throw new IllegalArgumentException(
                            "configured weight " + configuredWeight + " is not from 1 to " + BackendSpec.MAX_WEIGHT);
                }
                if (weight == null && !draining) {
                    throw new IllegalArgumentException("a changed backend has a weight or is draining");
                }
            }
            case REMOVED -> {
                if (weight != null || configuredWeight != null || draining || route != null) {
                    throw new IllegalArgumentException("a removed backend has no weight, state or route");
                }
            }
        }
    }

    static BackendChange added(BackendSpec spec, boolean draining) {
        return new BackendChange(spec.address(), Kind.ADDED, spec.weight(), null, draining, spec.route());
    }

    static BackendChange removed(BackendAddress address) {
        return new BackendChange(address, Kind.REMOVED, null, null, false, null);
    }

    /** The spec of an added backend. */
    BackendSpec spec() {
        return new BackendSpec(address, weight, route);
    }

    private static boolean validWeight(int weight) {
        return weight >= 1 && weight <= BackendSpec.MAX_WEIGHT;
    }
}
