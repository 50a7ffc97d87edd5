package dev.jlb.health;

import dev.jlb.config.BackendAddress;
import java.net.URI;

/** A backend as health checking sees it: where to check it, and its active and passive health. */
public interface Monitored {
    BackendAddress address();

    /** {@code http://HOST:PORT} or {@code https://HOST:PORT}: where it is checked. */
    URI origin();

    HealthState health();

    OutlierState outlier();

    /** An active check of it completed (for its metrics). */
    void healthChecked(boolean passed);
}
