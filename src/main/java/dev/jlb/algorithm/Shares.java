package dev.jlb.algorithm;

import dev.jlb.view.BackendView;
import java.util.List;

/** The arithmetic of shares that several rules need: slow start's warmth and common divisors. */
final class Shares {
    private Shares() {}

    /** Whether no backend of the snapshot is in a slow start. */
    static boolean allWarm(List<? extends BackendView> backends) {
        for (BackendView backend : backends) {
            if (backend.warmth() != BackendView.WARM) {
                return false;
            }
        }
        return true;
    }

    /**
     * A warmth in tenths of the full share, 1 to 10. Warmth moves in steps of 100, so nothing is
     * lost; the clamp only guards the cycle lengths against a value outside the documented range.
     */
    static int tenths(int warmth) {
        return Math.max(1, Math.min(10, warmth / 100));
    }

    /** A backend's weight scaled by its warmth: its share in thousandths of a unit of weight. */
    static long effectiveWeight(BackendView backend) {
        return (long) backend.weight() * backend.warmth();
    }

    /** Divides the weights, all positive, by their greatest common divisor, in place; returns them. */
    static long[] reduce(long[] weights) {
        long divisor = 0;
        for (long weight : weights) {
            divisor = gcd(divisor, weight);
        }
        if (divisor > 1) {
            for (int i = 0; i < weights.length; i++) {
                weights[i] /= divisor;
            }
        }
        return weights;
    }

    static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
