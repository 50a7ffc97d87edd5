package dev.jlb.web.websocket;

import dev.jlb.balancer.Backend;

/**
 * One client WebSocket joined to one backend's: counted open from the backend's 101 until
 * either side has closed, exactly once whatever ended it.
 */
final class Joint {
    private final Backend backend;
    private final WebSocketJoints joints;
    private volatile Runnable goingAway = () -> {};

    Joint(Backend backend, WebSocketJoints joints) {
        this.backend = backend;
        this.joints = joints;
    }

    Backend backend() {
        return backend;
    }

    /** What closes both sides with 1001 when jlb stops, set by the side that joined them. */
    void onGoingAway(Runnable action) {
        goingAway = action;
    }

    void goAway() {
        goingAway.run();
    }

    /** Both sides are closed (or being closed): no longer counted. */
    void ended() {
        joints.remove(this);
    }

    /** Whether jlb is stopping (and lets WebSockets run on until the shutdown grace is over). */
    boolean isStopping() {
        return joints.isStopping();
    }
}
