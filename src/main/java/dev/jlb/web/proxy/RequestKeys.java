package dev.jlb.web.proxy;

import dev.jlb.algorithm.KeyHash;
import dev.jlb.config.HashKey;
import jakarta.servlet.http.HttpServletRequest;

/**
 * The key {@code consistent_hash} places a request by ({@code hashKey}), hashed: the client's
 * address, a header, a cookie, a query parameter or the path. A missing key is the empty key.
 * The hash depends on nothing but the key, so every jlb instance places it alike.
 */
final class RequestKeys {
    private final HashKey key;
    private final int contextPathLength;

    RequestKeys(HashKey key, int contextPathLength) {
        this.key = key;
        this.contextPathLength = contextPathLength;
    }

    long hash(HttpServletRequest request) {
        return KeyHash.hash(key(request));
    }

    /** The key itself, the empty string when the request has none. */
    String key(HttpServletRequest request) {
        String value = switch (key.source()) {
            case CLIENT_IP -> request.getRemoteAddr();
            case HEADER -> request.getHeader(key.name());
            case COOKIE -> Cookies.value(request, key.name());
            case QUERY -> queryParameter(request.getQueryString(), key.name());
            case PATH -> request.getRequestURI().substring(contextPathLength);
        };
        return value == null ? "" : value;
    }

    /** The raw (undecoded) value of the first parameter of that name, or {@code null}. */
    static String queryParameter(String query, String name) {
        if (query == null) {
            return null;
        }
        int start = 0;
        int length = query.length();
        while (start <= length) {
            int end = query.indexOf('&', start);
            if (end < 0) {
                end = length;
            }
            if (query.startsWith(name, start)) {
                int after = start + name.length();
                if (after == end) {
                    return "";
                }
                if (query.charAt(after) == '=') {
                    return query.substring(after + 1, end);
                }
            }
            start = end + 1;
        }
        return null;
    }
}
