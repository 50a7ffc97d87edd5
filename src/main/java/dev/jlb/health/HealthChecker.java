package dev.jlb.health;

import java.util.function.Consumer;

/**
 * Runs one active check of a backend and reports how it went, without blocking the caller: a
 * hung backend must delay nobody but itself.
 */
public interface HealthChecker {
    /** How a check went: passed, or failed and why. */
    record Outcome(boolean passed, String reason) {
        static final Outcome PASSED = new Outcome(true, null);

        static Outcome failed(String reason) {
            return new Outcome(false, reason);
        }
    }

    void start() throws Exception;

    /** A reloaded configuration's policy, for the checks that begin from now on. */
    default void reconfigure(dev.jlb.config.HealthCheckPolicy policy) {}

    /** Checks the backend and calls {@code done} exactly once, on any thread. */
    void check(Monitored backend, Consumer<Outcome> done);

    void stop();
}
