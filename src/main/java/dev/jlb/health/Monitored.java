package dev.jlb.health;

import dev.jlb.config.BackendAddress;

/** A backend as health checking sees it: where to check it, and its active and passive health. */
public interface Monitored {
    BackendAddress address();

    HealthState health();

    OutlierState outlier();

    /** An active check of it completed (for its metrics). */
    void healthChecked(boolean passed);
}
