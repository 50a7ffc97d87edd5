package dev.jlb.health;

import dev.jlb.backend.Backend;
import dev.jlb.backend.BackendPool;
import dev.jlb.config.EjectionPolicy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Passive health checking: judges backends by how live requests fare. A backend that cannot be
 * connected to is ejected at once; one that fails a number of requests in a row (5xx answers or
 * transport failures) is ejected too. An ejection lasts the policy's time, and ends at the first
 * passing active check after that, so a backend that is still dead stays out.
 */
public final class OutlierDetector {
    private static final Logger LOG = LoggerFactory.getLogger(OutlierDetector.class);

    private final BackendPool pool;
    private final EjectionPolicy policy;
    private final LongSupplier nanoClock;

    public OutlierDetector(BackendPool pool, EjectionPolicy policy, LongSupplier nanoClock) {
        this.pool = pool;
        this.policy = policy;
        this.nanoClock = nanoClock;
    }

    /** The backend gave a complete answer with this status. */
    public void answered(Backend backend, int status) {
        if (status >= 500) {
            failed(backend, "answered " + status);
        } else {
            backend.answeredWell();
        }
    }

    /** No connection to the backend could be made: nothing was sent. */
    public void connectFailed(Backend backend, Throwable failure) {
        eject(backend, "connection failed: " + Failures.describe(failure));
    }

    /** The exchange failed after the request began (reset, timeout, cut-off answer). */
    public void transportFailed(Backend backend, Throwable failure) {
        failed(backend, Failures.describe(failure));
    }

    /**
     * An active check of the backend completed. An ejection whose time is up ends when a check
     * passes (the backend is back), or when the active checks have found it down themselves (it
     * stays out, as unhealthy, until they find it up).
     */
    void checkCompleted(Backend backend, boolean passed) {
        if (!backend.isEjected() || !passed && backend.isHealthy()) {
            return;
        }
        if (backend.endEjectionIfDue(nanoClock.getAsLong())) {
            pool.rebuild();
            if (passed) {
                LOG.info("backend {} is back from ejection: its health check passed", backend);
            } else {
                LOG.info("backend {} ejection is over; it stays out until its health checks pass", backend);
            }
        }
    }

    private void failed(Backend backend, String why) {
        int inARow = backend.failedAgain();
        if (policy.failuresBeforeEject() > 0 && inARow >= policy.failuresBeforeEject()) {
            eject(backend, inARow + " failures in a row, the last: " + why);
        }
    }

    private void eject(Backend backend, String why) {
        Duration time = backend.eject(nanoClock.getAsLong(), policy);
        if (time != null) {
            pool.rebuild();
            LOG.warn("backend {} is EJECTED for {} s: {}", backend, time.toMillis() / 1000.0, why);
        }
    }
}
