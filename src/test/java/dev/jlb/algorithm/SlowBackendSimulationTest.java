package dev.jlb.algorithm;

import static dev.jlb.algorithm.Backends.named;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jlb.config.AlgorithmName;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A discrete-event simulation on injected time and seeded randomness: five backends, one of
 * which answers ten times slower than the others, and sixteen clients that each send their next
 * request when the last one's answer arrives (a closed loop, no think time). Each backend answers
 * in its mean time x a uniform factor from 0.5 to 1.5, whatever its load. Deterministic and fast:
 * a few simulated minutes in a fraction of a second.
 */
class SlowBackendSimulationTest {
    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000 * MS;
    private static final int BACKENDS = 5;
    private static final int CLIENTS = 16;
    private static final long FAST = 10 * MS;
    private static final long SLOW = 100 * MS;
    /** A recovery time after every run's end, in seconds. */
    private static final long NEVER = 1_000_000;

    /** Requests each backend got between two instants of the run. */
    private static final class Shares {
        private final long[] counts;

        Shares(long[] counts) {
            this.counts = counts.clone();
        }

        long[] counts() {
            return counts.clone();
        }

        long total() {
            long total = 0;
            for (long count : counts) {
                total += count;
            }
            return total;
        }

        double of(int backend) {
            return (double) counts[backend] / total();
        }
    }

    private record Answer(long at, int client, TestBackend backend, long latency) {}

    /**
     * Runs the loop for {@code seconds} of simulated time; backend 0 is slow until
     * {@code slowUntil} and as fast as the others after. Counts the picks made from
     * {@code countFrom} on.
     */
    private static Shares simulate(AlgorithmName algorithm, long seconds, long slowUntil, long countFrom) {
        AtomicLong clock = new AtomicLong(1_000 * SECOND);
        long start = clock.get();
        SplittableRandom random = new SplittableRandom(2024);
        Algorithm rule = Algorithms.create(algorithm, new AlgorithmOptions(random::nextInt, clock::get, () -> 0, 0));
        List<TestBackend> backends = named(BACKENDS);
        Picker<TestBackend> picker = rule.pickerFor(backends);
        long[] counts = new long[BACKENDS];
        PriorityQueue<Answer> answers = new PriorityQueue<>(
                (x, y) -> x.at() != y.at() ? Long.compare(x.at(), y.at()) : x.client() - y.client());
        for (int client = 0; client < CLIENTS; client++) {
            answers.add(send(picker, client, clock.get(), start, slowUntil, countFrom, counts, random));
        }
        while (true) {
            Answer answer = answers.poll();
            if (answer.at() > start + seconds * SECOND) {
                break;
            }
            clock.set(answer.at());
            answer.backend().ended();
            answer.backend().latency().observe(answer.at(), answer.latency());
            answers.add(send(picker, answer.client(), answer.at(), start, slowUntil, countFrom, counts, random));
        }
        return new Shares(counts);
    }

    private static Answer send(
            Picker<TestBackend> picker,
            int client,
            long now,
            long start,
            long slowUntil,
            long countFrom,
            long[] counts,
            SplittableRandom random) {
        TestBackend backend = picker.pick(0);
        backend.started();
        int index = backend.name().charAt(0) - 'a';
        if (now >= start + countFrom * SECOND) {
            counts[index]++;
        }
        boolean slow = index == 0 && now < start + slowUntil * SECOND;
        long latency = (long) ((slow ? SLOW : FAST) * (0.5 + random.nextDouble()));
        return new Answer(now + latency, client, backend, latency);
    }

    @Test
    void peakEwmaGivesABackendTenTimesSlowerAtMostFifteenPercentButStillSome() {
        Shares shares = simulate(AlgorithmName.PEAK_EWMA, 180, NEVER, 0);
        System.out.printf(
                "peak_ewma: slow backend %d of %d requests (%.3f%%)%n",
                shares.counts()[0], shares.total(), 100 * shares.of(0));
        assertTrue(shares.of(0) <= 0.15, () -> "share " + shares.of(0));
        // Its estimate decays while it gets nothing, so it is tried again every few seconds.
        assertTrue(shares.counts()[0] >= 10, () -> shares.counts()[0] + " requests");
    }

    @Test
    void peakEwmaSeesTheRecoveryOfTheSlowBackend() {
        // Slow for two minutes, then as fast as the others: its share of the last minute.
        Shares shares = simulate(AlgorithmName.PEAK_EWMA, 240, 120, 180);
        System.out.printf("peak_ewma: recovered backend's share of the last minute %.1f%%%n", 100 * shares.of(0));
        assertTrue(shares.of(0) > 0.15, () -> "share " + shares.of(0));
    }

    @Test
    void leastRequestGivesTheSlowBackendLessThanRoundRobinWouldButMoreThanPeakEwma() {
        Shares leastRequest = simulate(AlgorithmName.LEAST_REQUEST, 180, NEVER, 0);
        Shares roundRobin = simulate(AlgorithmName.ROUND_ROBIN, 180, NEVER, 0);
        Shares peakEwma = simulate(AlgorithmName.PEAK_EWMA, 180, NEVER, 0);
        System.out.printf(
                "least_request: slow backend %d of %d requests (%.2f%%); round_robin %.2f%%%n",
                leastRequest.counts()[0], leastRequest.total(), 100 * leastRequest.of(0), 100 * roundRobin.of(0));
        assertEquals(0.2, roundRobin.of(0), 0.001);
        // Without a latency input it sees the slow backend only through the requests it holds.
        assertTrue(leastRequest.of(0) < roundRobin.of(0), () -> "share " + leastRequest.of(0));
        assertTrue(leastRequest.of(0) > peakEwma.of(0), () -> "share " + leastRequest.of(0));
        // And fewer requests per second in all, since the clients wait on the slow answers.
        assertTrue(leastRequest.total() < peakEwma.total());
    }
}
