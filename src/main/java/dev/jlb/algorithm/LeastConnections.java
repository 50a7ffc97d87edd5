package dev.jlb.algorithm;

import dev.jlb.backend.Backend;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The eligible backend with the fewest requests in flight. The scan starts at a position that
 * advances with every pick, so that backends tied for the fewest take turns instead of the
 * first one taking every request.
 */
public final class LeastConnections implements Algorithm {
    private final AtomicInteger next;

    private LeastConnections(int start) {
        this.next = new AtomicInteger(start);
    }

    public static LeastConnections create(RandomSource random) {
        return new LeastConnections(random.nextInt(Integer.MAX_VALUE));
    }

    @Override
    public AlgorithmType type() {
        return AlgorithmType.LEAST_CONNECTIONS;
    }

    @Override
    public Picker pickerFor(List<Backend> eligible) {
        Backend[] backends = eligible.toArray(new Backend[0]);
        return () -> pick(backends, Integer.remainderUnsigned(next.getAndIncrement(), backends.length));
    }

    private static Backend pick(Backend[] backends, int start) {
        Backend best = backends[start];
        int fewest = best.inFlight();
        for (int i = start + 1; i < backends.length && fewest > 0; i++) {
            int load = backends[i].inFlight();
            if (load < fewest) {
                best = backends[i];
                fewest = load;
            }
        }
        for (int i = 0; i < start && fewest > 0; i++) {
            int load = backends[i].inFlight();
            if (load < fewest) {
                best = backends[i];
                fewest = load;
            }
        }
        return best;
    }
}
