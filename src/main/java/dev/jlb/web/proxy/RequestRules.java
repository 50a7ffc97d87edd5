package dev.jlb.web.proxy;

import dev.jlb.config.BalancerConfig;
import dev.jlb.config.BalancingPolicy;

/**
 * What the configuration says about handling one client request: the session rules, the hash
 * key, the headers added and the limits. Built anew when the configuration is reloaded; a
 * request takes the rules in force when it arrives and keeps them to its end, retries included.
 *
 * @param keys                 {@code null} when the algorithm takes no key
 * @param backendTimeoutMillis longest wait for the backend's response, or between two of its chunks
 */
record RequestRules(
        StickySessions sessions,
        RequestKeys keys,
        ForwardingHeaders headers,
        RequestScreen screen,
        long backendTimeoutMillis) {

    /** The servlet's own init-params, fixed for its life, that shape the headers. */
    record ServletParams(String contextPath, String viaHost, boolean preserveHost, String hostHeader) {}

    static RequestRules of(BalancerConfig config, boolean algorithmUsesKey, ServletParams params) {
        BalancingPolicy balancing = config.balancing();
        StickySessions sessions =
                new StickySessions(balancing.sticky(), balancing.stickyCookie(), params.contextPath());
        RequestKeys keys = algorithmUsesKey
                ? new RequestKeys(balancing.hashKey(), params.contextPath().length())
                : null;
        ForwardingHeaders headers = new ForwardingHeaders(
                config.forwardedBy(),
                params.viaHost() == null ? config.forwardedBy() : params.viaHost(),
                params.preserveHost(),
                params.hostHeader(),
                sessions.cookieName());
        return new RequestRules(
                sessions,
                keys,
                headers,
                new RequestScreen(config.maxRequestBodySize()),
                config.backendTimeout().toMillis());
    }
}
