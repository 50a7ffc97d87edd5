package dev.jlb.state;

import dev.jlb.balancer.AdminOverlay;
import dev.jlb.balancer.BackendPool;
import dev.jlb.config.BackendAddress;
import dev.jlb.config.BackendSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the operators' changes across restarts: holds the current {@link AdminOverlay}, runs each
 * admin change of the pool together with the overlay's change, one at a time, and writes the new
 * overlay to the state file before the call answers. Only admin calls come here, never requests.
 */
public final class StateKeeper {
    /** The servlet context attribute under which the keeper is kept. */
    public static final String ATTRIBUTE = StateKeeper.class.getName();

    private static final Logger LOG = LoggerFactory.getLogger(StateKeeper.class);

    private final Path file;
    // Guarded by this: the backends of the configuration in force.
    private List<BackendSpec> configured;
    private final Clock clock;
    // Guarded by this: changed and written by one admin call at a time.
    private AdminOverlay overlay;
    // Guarded by this: whether the file holds less or more than the overlay.
    private boolean unsaved;

    /** A change of the pool, which may be refused. */
    @FunctionalInterface
    public interface PoolChange<T, E extends Exception> {
        T apply() throws E;
    }

    private StateKeeper(Path file, List<BackendSpec> configured, Clock clock, AdminOverlay overlay) {
        this.file = file;
        this.configured = List.copyOf(configured);
        this.clock = clock;
        this.overlay = overlay;
    }

    /**
     * Reads the state file, if there is one.
     *
     * @param file       the state file, or {@code null} to keep changes in memory only
     * @param configured the configuration's backends
     * @throws StateFileException if the file exists and cannot be used
     */
    public static StateKeeper open(Path file, List<BackendSpec> configured, Clock clock) throws StateFileException {
        return new StateKeeper(file, configured, clock, file == null ? AdminOverlay.EMPTY : StateFile.read(file));
    }

    /** Lays the kept changes over a pool built from the configuration (see {@link AdminOverlay#applyTo}). */
    public synchronized AdminOverlay.Applied applyTo(BackendPool pool) {
        AdminOverlay.Applied applied = overlay.applyTo(pool, configured);
        if (!overlay.isEmpty()) {
            LOG.info(
                    "{} change(s) made through /lb-admin applied again from {}, {} skipped",
                    applied.kept().changes().size(),
                    file,
                    applied.skipped().size());
        }
        // What was skipped leaves the file with the next change.
        unsaved |= !applied.kept().equals(overlay);
        overlay = applied.kept();
        return applied;
    }

    /**
     * A reloaded configuration has just reconciled the pool with its backends: the kept changes are
     * laid over it again, as at a restart, so that a backend removed through /lb-admin stays
     * removed and a drain stays drained; what the new configuration contradicts is skipped.
     */
    public synchronized AdminOverlay.Applied reconfigured(BackendPool pool, List<BackendSpec> nextConfigured) {
        configured = List.copyOf(nextConfigured);
        return applyTo(pool);
    }

    public synchronized AdminOverlay overlay() {
        return overlay;
    }

    /** The configuration's weight for the backend, or {@code null} if it is not configured. */
    public synchronized Integer configuredWeight(BackendAddress address) {
        return configured.stream()
                .filter(spec -> spec.address().equals(address))
                .map(BackendSpec::weight)
                .findFirst()
                .orElse(null);
    }

    /**
     * Makes a change of the pool and, unless it is refused, records it and saves the state file.
     * Changes run one at a time, so the file always holds the last one with every one before it.
     *
     * @param change     the change of the pool
     * @param transition the same change of the overlay
     * @throws E                      if the pool refused the change: nothing is recorded
     * @throws StateNotSavedException if the change is in effect but the file could not be written;
     *                                the next change that is saved includes it
     */
    public synchronized <T, E extends Exception> T change(
            PoolChange<T, E> change, UnaryOperator<AdminOverlay> transition) throws E, StateNotSavedException {
        T result = change.apply();
        AdminOverlay next = transition.apply(overlay);
        if (next.equals(overlay) && !unsaved) {
            return result;
        }
        overlay = next;
        if (file != null) {
            try {
                StateFile.write(file, next, clock.instant());
                unsaved = false;
            } catch (IOException e) {
                unsaved = true;
                LOG.error("the state file {} could not be written: {}", file, e.toString());
                throw new StateNotSavedException(
                        "the change is in effect but could not be saved to the state file, so it would not survive"
                                + " a restart: "
                                + e,
                        e);
            }
        }
        return result;
    }
}
