package dev.jlb.algorithm;

import dev.jlb.config.AlgorithmName;
import dev.jlb.view.BackendView;
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
    public AlgorithmName name() {
        return AlgorithmName.LEAST_CONNECTIONS;
    }

    @Override
    public <B extends BackendView> Picker<B> pickerFor(List<B> eligible) {
        BackendView[] backends = eligible.toArray(new BackendView[0]);
        @SuppressWarnings("unchecked") // the array holds exactly the Bs of eligible
        Picker<B> picker =
                key -> (B) pick(backends, Integer.remainderUnsigned(next.getAndIncrement(), backends.length));
        return picker;
    }

    @Override
    public String toString() {
        return "least_connections";
    }

    private static BackendView pick(BackendView[] backends, int start) {
        BackendView best = backends[start];
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
