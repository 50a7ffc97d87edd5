package dev.jlb.balancer;

import dev.jlb.time.Scheduler;
import dev.jlb.view.BackendView;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Slow start, as HAProxy's {@code slowstart} and Envoy's {@code slow_start_config} do it: a
 * backend that becomes eligible (added, back from unhealthy or ejected, enabled after a drain)
 * takes a tenth of its share at first and its whole share after the window, linearly in between.
 * A freshly started JVM answers slowly until its JIT has warmed up; full traffic at once would
 * make it time out.
 *
 * <p>The ramp goes in ten steps ({@link BackendView#warmth()} 100, 200, ... 1000), each a new
 * snapshot: the pickers stay immutable and read a backend's warmth once. While a backend is
 * warming, a tick rebuilds the pool's snapshot at every step. Called only under the pool's lock.
 */
final class SlowStart {
    private static final long MIN_STEP_NANOS = Duration.ofMillis(50).toNanos();

    private volatile long windowNanos;
    private final LongSupplier nanoClock;
    private final Scheduler scheduler;
    private final AtomicBoolean tickPending = new AtomicBoolean();

    /**
     * @param window how long the ramp takes; zero turns slow start off
     */
    SlowStart(Duration window, LongSupplier nanoClock, Scheduler scheduler) {
        this.windowNanos = window.toNanos();
        this.nanoClock = nanoClock;
        this.scheduler = scheduler;
    }

    /** A reloaded configuration's window: backends warming now finish on the new one. */
    void reconfigure(Duration window) {
        windowNanos = window.toNanos();
    }

    /** No slow start: every backend is always warm. */
    static SlowStart off() {
        return new SlowStart(Duration.ZERO, () -> 0, null);
    }

    /**
     * Sets each eligible backend's warmth for now: those not eligible before start warming, those
     * whose window is over are warm. While any is warming, asks for a rebuild at its next step.
     *
     * @param before  the backends eligible until now
     * @param rebuild what the tick runs
     */
    void apply(Set<Backend> before, List<Backend> eligible, Runnable rebuild) {
        if (windowNanos == 0) {
            return;
        }
        long now = nanoClock.getAsLong();
        boolean warming = false;
        for (Backend backend : eligible) {
            if (!before.contains(backend)) {
                backend.warmingSince(now);
            }
            int warmth = warmthAt(backend.warmingSince(), now);
            if (warmth == BackendView.WARM) {
                backend.warmingSince(Backend.NOT_WARMING);
            }
            backend.warmth(warmth);
            warming |= warmth < BackendView.WARM;
        }
        for (Backend backend : before) {
            if (!eligible.contains(backend)) {
                // Out of rotation: when it comes back, it starts from a tenth again.
                backend.warmingSince(Backend.NOT_WARMING);
                backend.warmth(BackendView.WARM);
            }
        }
        if (warming && tickPending.compareAndSet(false, true)) {
            long step = Math.max(MIN_STEP_NANOS, windowNanos / 9);
            scheduler.schedule(
                    () -> {
                        tickPending.set(false);
                        rebuild.run();
                    },
                    Duration.ofNanos(step));
        }
    }

    /** 100 at the start of the window, then a tenth more at each ninth of it, 1000 at its end. */
    int warmthAt(long since, long now) {
        if (since == Backend.NOT_WARMING) {
            return BackendView.WARM;
        }
        long elapsed = now - since;
        if (elapsed >= windowNanos) {
            return BackendView.WARM;
        }
        // fraction = 0.1 + 0.9 × elapsed / window, taken down to a whole tenth.
        long tenths = 1 + (9 * Math.max(elapsed, 0)) / windowNanos;
        return (int) (tenths * 100);
    }
}
