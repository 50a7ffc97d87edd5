package dev.jlb.it;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A few client threads spreading GETs over the instances in its rotation, in turn, as an L4
 * balancer or a Kubernetes Service does over its endpoints. Bounded: it stops when closed, after
 * a number of requests, or after a while, whichever comes first. Loopback only.
 */
final class SpreadingClient implements AutoCloseable {
    /** A request that did not end in a 200, with what happened and when it was sent. */
    record Failure(int port, long sentAtNanos, String what) {}

    private final List<Integer> rotation = new CopyOnWriteArrayList<>();
    private final Map<Integer, AtomicLong> inFlight = new ConcurrentHashMap<>();
    private final Map<Integer, AtomicLong> served = new ConcurrentHashMap<>();
    private final List<Failure> failures = new CopyOnWriteArrayList<>();
    private final AtomicLong turn = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    private final String query;

    /**
     * @param query what each request asks of the backend, e.g. {@code delay_ms=10}, which also
     *     keeps the rate modest without the client pausing
     */
    private SpreadingClient(List<Integer> ports, int threadCount, long maxRequests, Duration atMost, String query) {
        this.query = query;
        rotation.addAll(ports);
        long deadline = System.nanoTime() + atMost.toNanos();
        for (int i = 0; i < threadCount; i++) {
            Thread thread = new Thread(
                    () -> {
                        while (running.get() && System.nanoTime() - deadline < 0 && sent.get() < maxRequests) {
                            sendOne();
                        }
                    },
                    "spreading-client-" + i);
            thread.setDaemon(true);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
    }

    static SpreadingClient over(List<Integer> ports, int threads, long maxRequests, Duration atMost, String query) {
        return new SpreadingClient(ports, threads, maxRequests, atMost, query);
    }

    private void sendOne() {
        List<Integer> now = List.copyOf(rotation);
        if (now.isEmpty()) {
            return;
        }
        int port = now.get((int) (turn.getAndIncrement() % now.size()));
        long number = sent.incrementAndGet();
        long start = System.nanoTime();
        AtomicLong flying = inFlight.computeIfAbsent(port, p -> new AtomicLong());
        flying.incrementAndGet();
        try {
            HttpResponse<String> response = Http.CLIENT.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/spread/" + number + "?" + query))
                            .timeout(Http.TIMEOUT)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                served.computeIfAbsent(port, p -> new AtomicLong()).incrementAndGet();
            } else {
                failures.add(new Failure(port, start, "status " + response.statusCode() + ": " + response.body()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.set(false);
        } catch (Exception e) {
            failures.add(new Failure(port, start, e.getClass().getName() + ": " + e.getMessage()));
        } finally {
            flying.decrementAndGet();
        }
    }

    /** Takes the instance out of the rotation: no new request goes to it. */
    void remove(int port) {
        rotation.remove(Integer.valueOf(port));
    }

    /** Puts the instance back into the rotation. */
    void add(int port) {
        rotation.add(port);
    }

    long inFlight(int port) {
        AtomicLong flying = inFlight.get(port);
        return flying == null ? 0 : flying.get();
    }

    /** Requests that the instance answered with 200. */
    long served(int port) {
        AtomicLong count = served.get(port);
        return count == null ? 0 : count.get();
    }

    long sent() {
        return sent.get();
    }

    List<Failure> failures() {
        return List.copyOf(failures);
    }

    boolean isRunning() {
        return threads.stream().anyMatch(Thread::isAlive);
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread thread : threads) {
            thread.join(Http.TIMEOUT.toMillis() + 5_000);
        }
    }
}
