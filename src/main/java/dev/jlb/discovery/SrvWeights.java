package dev.jlb.discovery;

import dev.jlb.config.BackendSpec;
import java.util.List;

/**
 * SRV weights (0-65535) as jlb weights (1-1000), in proportion. Weights that already fit are
 * kept as they are (so that 5, 1, 1 in DNS is 5, 1, 1 in /lb-stats), and a weight of 0 becomes
 * 1, the smallest share jlb has (RFC 2782: 0 is a very small chance, not none). Otherwise they
 * are scaled so that the largest is 1000, each rounded and at least 1.
 */
final class SrvWeights {
    private SrvWeights() {}

    static int[] scale(List<Integer> srvWeights) {
        int max = srvWeights.stream().mapToInt(Integer::intValue).max().orElse(0);
        int[] weights = new int[srvWeights.size()];
        for (int i = 0; i < weights.length; i++) {
            int weight = srvWeights.get(i);
            weights[i] = max <= BackendSpec.MAX_WEIGHT
                    ? Math.max(1, weight)
                    : (int) Math.max(1, Math.round(weight * (double) BackendSpec.MAX_WEIGHT / max));
        }
        return weights;
    }
}
