package dev.jlb.it;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** One client sending GETs to a balancer, one after the other, until closed or for at most a while. */
final class Traffic implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final Thread client;

    private Traffic(RunningBalancer balancer, Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        client = new Thread(
                () -> {
                    while (running.get() && System.nanoTime() - deadline < 0) {
                        try {
                            if (Http.get(balancer.uri("/traffic/" + sent.incrementAndGet()))
                                            .statusCode()
                                    != 200) {
                                failures.incrementAndGet();
                            }
                        } catch (RuntimeException e) {
                            failures.incrementAndGet();
                        }
                    }
                },
                "traffic");
        client.setDaemon(true);
        client.start();
    }

    static Traffic to(RunningBalancer balancer, Duration atMost) {
        return new Traffic(balancer, atMost);
    }

    long sent() {
        return sent.get();
    }

    long failures() {
        return failures.get();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        client.join(Http.TIMEOUT.toMillis());
    }
}
