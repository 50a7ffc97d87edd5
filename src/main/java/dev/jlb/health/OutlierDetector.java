package dev.jlb.health;

import dev.jlb.config.EjectionPolicy;
import dev.jlb.health.OutlierState.Cause;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passive health checking: judges backends by how live requests fare. A backend that cannot be
 * connected to is ejected at once; one that fails a number of requests in a row (5xx answers or
 * transport failures) is ejected too.
 *
 * <p>What brings it back depends on why it went (as Envoy's
 * {@code successful_active_health_check_uneject_host} and HAProxy's {@code observe layer4} with
 * {@code rise} do): an ejection for failed connections ends once the backend passes
 * {@code healthCheckRise} active checks in a row, so that a process that crashed and restarted
 * takes traffic again within two intervals; an ejection for failed answers lasts the policy's
 * time, and ends at the first passing active check after that, so a backend still dead stays out.
 */
public final class OutlierDetector {
    private static final Logger LOG = LoggerFactory.getLogger(OutlierDetector.class);

    private volatile EjectionPolicy policy;
    private volatile int rise;
    private final LongSupplier nanoClock;
    private final Runnable changed;

    /**
     * @param rise    passing active checks in a row that end an ejection for failed connections
     * @param changed told when a backend is ejected or back, to rebuild the pool's snapshot
     */
    public OutlierDetector(EjectionPolicy policy, int rise, LongSupplier nanoClock, Runnable changed) {
        this.policy = policy;
        this.rise = rise;
        this.nanoClock = nanoClock;
        this.changed = changed;
    }

    /** A reloaded configuration's policy, for the failures and checks from now on. */
    public void reconfigure(EjectionPolicy nextPolicy, int nextRise) {
        policy = nextPolicy;
        rise = nextRise;
    }

    /** The backend gave a complete answer with this status. */
    public void answered(Monitored backend, int status) {
        if (status >= 500) {
            failed(backend, Cause.ANSWERS, "answered " + status);
        } else {
            backend.outlier().answeredWell();
        }
    }

    /** No connection to the backend could be made: nothing was sent. */
    public void connectFailed(Monitored backend, Throwable failure) {
        eject(backend, Cause.CONNECTION, "connection failed: " + Failures.describe(failure));
    }

    /** The connection broke under a request that had begun (reset, closed before or during the answer). */
    public void connectionLost(Monitored backend, Throwable failure) {
        failed(backend, Cause.CONNECTION, Failures.describe(failure));
    }

    /** The backend, connected, gave no answer in time or one that could not be passed on. */
    public void answerFailed(Monitored backend, Throwable failure) {
        failed(backend, Cause.ANSWERS, Failures.describe(failure));
    }

    /** An active check of the backend completed. */
    void checkCompleted(Monitored backend, boolean passed) {
        OutlierState outlier = backend.outlier();
        Cause cause = outlier.cause();
        if (cause == null) {
            return;
        }
        long now = nanoClock.getAsLong();
        if (cause == Cause.CONNECTION) {
            if (outlier.checkedAfterConnectionFailures(passed, rise, now)) {
                changed.run();
                LOG.info("backend {} is back from ejection: it passed {} health checks in a row", backend, rise);
            }
            return;
        }
        // Time up and a passing check: back. Time up and the checks found it down themselves:
        // it stays out, as unhealthy, until they find it up.
        if ((passed || !backend.health().isHealthy()) && outlier.endIfDue(now)) {
            changed.run();
            if (passed) {
                LOG.info("backend {} is back from ejection: its health check passed", backend);
            } else {
                LOG.info("backend {} ejection is over; it stays out until its health checks pass", backend);
            }
        }
    }

    private void failed(Monitored backend, Cause cause, String why) {
        int inARow = backend.outlier().failedAgain();
        if (policy.failuresBeforeEject() > 0 && inARow >= policy.failuresBeforeEject()) {
            eject(backend, cause, inARow + " failures in a row, the last: " + why);
        }
    }

    private void eject(Monitored backend, Cause cause, String why) {
        Duration time = backend.outlier().eject(nanoClock.getAsLong(), policy, cause);
        if (time == null) {
            return;
        }
        changed.run();
        if (cause == Cause.CONNECTION) {
            LOG.warn("backend {} is EJECTED until it passes {} health checks in a row: {}", backend, rise, why);
        } else {
            LOG.warn("backend {} is EJECTED for {} s: {}", backend, time.toMillis() / 1000.0, why);
        }
    }
}
