package dev.jlb.algorithm;

import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * What the algorithms may draw on besides the backends, all injected so that tests control them.
 *
 * @param random            the randomness of the rules that draw
 * @param nanoClock         the monotonic clock (peak_ewma's decay)
 * @param totalInFlight     requests in flight to all backends of the pool (consistent_hash's load bound)
 * @param hashBalanceFactor consistent_hash's bound on a backend's load, in % of the mean; 0 for none
 */
public record AlgorithmOptions(
        RandomSource random, LongSupplier nanoClock, IntSupplier totalInFlight, int hashBalanceFactor) {}
