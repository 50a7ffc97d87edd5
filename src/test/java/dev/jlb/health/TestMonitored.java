package dev.jlb.health;

import dev.jlb.config.BackendAddress;
import java.util.concurrent.atomic.AtomicInteger;

/** A backend as health checking sees it, and nothing more. */
final class TestMonitored implements Monitored {
    private final BackendAddress address;
    private final HealthState health = new HealthState(true);
    private final OutlierState outlier = new OutlierState();
    private final AtomicInteger passedChecks = new AtomicInteger();
    private final AtomicInteger failedChecks = new AtomicInteger();

    TestMonitored(int port) {
        this.address = new BackendAddress("127.0.0.1", port);
    }

    @Override
    public BackendAddress address() {
        return address;
    }

    @Override
    public java.net.URI origin() {
        return java.net.URI.create("http://" + address);
    }

    @Override
    public HealthState health() {
        return health;
    }

    @Override
    public OutlierState outlier() {
        return outlier;
    }

    @Override
    public void healthChecked(boolean passed) {
        (passed ? passedChecks : failedChecks).incrementAndGet();
    }

    int passedChecks() {
        return passedChecks.get();
    }

    int failedChecks() {
        return failedChecks.get();
    }

    /** Whether the pool would give it traffic, as far as health goes. */
    boolean takesTraffic() {
        return health.isHealthy() && !outlier.isEjected();
    }

    @Override
    public String toString() {
        return address.toString();
    }
}
