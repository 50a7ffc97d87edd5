package dev.jlb.balancer;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How the reloads of the {@code configFile} went: counts of those applied and refused, and why
 * the last one was refused while the file still holds that error.
 */
public final class ConfigReloads {
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private volatile String error;

    void applied() {
        applied.incrementAndGet();
        error = null;
    }

    void refused(String why) {
        refused.incrementAndGet();
        error = why;
    }

    public long appliedCount() {
        return applied.get();
    }

    public long refusedCount() {
        return refused.get();
    }

    /** Why the file as it is now was not applied, or {@code null} when it was. */
    public String error() {
        return error;
    }
}
