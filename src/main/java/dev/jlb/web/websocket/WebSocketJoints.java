package dev.jlb.web.websocket;

import dev.jlb.balancer.Backend;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The WebSockets open now, each counted on its backend, so that a stop can close them all. */
final class WebSocketJoints {
    private final Set<Joint> open = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    Joint open(Backend backend) {
        Joint joint = new Joint(backend, this);
        open.add(joint);
        backend.websocketOpened();
        return joint;
    }

    void remove(Joint joint) {
        if (open.remove(joint)) {
            joint.backend().websocketClosed();
        }
    }

    /** The stop has begun: open WebSockets run on until the grace is over, idle or not. */
    void stopping() {
        stopping = true;
    }

    boolean isStopping() {
        return stopping;
    }

    int count() {
        return open.size();
    }

    /** Waits until none is open or the time is up; true when none is. */
    boolean awaitNone(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!open.isEmpty()) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            // Shutdown only: a short poll, never on the request path.
            Thread.sleep(20);
        }
        return true;
    }

    /** Sends 1001 to both sides of every WebSocket open now. */
    void goAwayAll() {
        for (Joint joint : open) {
            joint.goAway();
        }
    }
}
