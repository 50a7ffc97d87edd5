package dev.jlb.web.ops;

import dev.jlb.balancer.Backend;
import java.util.concurrent.TimeUnit;

/** Figures of a backend as the endpoints show them: whole units, {@code null} before the first check. */
final class BackendViews {
    private BackendViews() {}

    /** Healthy as the endpoints say it: passing its active checks and not ejected by passive ones. */
    static boolean healthy(Backend backend) {
        return backend.isHealthy() && !backend.isEjected();
    }

    static Long responseTimeMillis(Backend backend) {
        return backend.health().hasBeenChecked()
                ? TimeUnit.NANOSECONDS.toMillis(backend.health().lastCheckRoundTripNanos())
                : null;
    }

    static Long secondsSinceLastCheck(Backend backend, long nowNanos) {
        return backend.health().hasBeenChecked()
                ? TimeUnit.NANOSECONDS.toSeconds(nowNanos - backend.health().lastCheckNanos())
                : null;
    }
}
