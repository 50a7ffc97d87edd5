package dev.jlb.config;

import java.time.Duration;

/**
 * How requests are placed beyond the algorithm's own rule: sessions that stick to a backend, the
 * key and load bound of consistent hashing, and the slow start of backends that join.
 *
 * @param sticky            how a session finds its backend again
 * @param stickyCookie      the name of jlb's own session cookie ({@code sticky=cookie})
 * @param hashKey           what consistent hashing hashes of a request
 * @param hashBalanceFactor consistent hashing's bound on a backend's load, in % of the mean; 0 for none
 * @param slowStart         how long a backend that joins or returns takes to reach its full weight; zero for none
 */
public record BalancingPolicy(
        StickyMode sticky, String stickyCookie, HashKey hashKey, int hashBalanceFactor, Duration slowStart) {}
