package dev.jlb.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A configured backend: where it is, its weight (1-1000, 1 when not given) and the route it is
 * known by for sticky sessions and hashing.
 *
 * @param route its {@code ROUTE}, 1-64 of {@code [A-Za-z0-9_-]}, or {@code null} for the one
 *              derived from its address (see {@link #routeId()})
 * @param tls    whether it is reached over TLS (written {@code https://HOST:PORT})
 * @param source where it comes from: {@link #STATIC}, {@link #ADMIN}, or the discovery entry
 *               that found it ({@code dns:NAME:PORT}, {@code srv:NAME}); a source's backends are
 *               changed together (see the pool's reconcile)
 */
public record BackendSpec(BackendAddress address, int weight, String route, boolean tls, String source) {
    public static final int MAX_WEIGHT = 1000;
    /** The source of a backend listed as {@code HOST:PORT} in the configuration. */
    public static final String STATIC = "static";
    /** The source of a backend added through {@code /lb-admin}. */
    public static final String ADMIN = "admin";

    private static final Pattern ROUTE = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public BackendSpec {
        if (weight < 1 || weight > MAX_WEIGHT) {
            throw new IllegalArgumentException("weight " + weight + " is not from 1 to " + MAX_WEIGHT);
        }
        if (route != null && !ROUTE.matcher(route).matches()) {
            throw new IllegalArgumentException("route '" + route + "' is not 1-64 of A-Z, a-z, 0-9, _ and -");
        }
        if (source == null || source.isEmpty()) {
            throw new IllegalArgumentException("a backend needs a source");
        }
    }

    /** A backend of the configuration's own list. */
    public BackendSpec(BackendAddress address, int weight, String route, boolean tls) {
        this(address, weight, route, tls, STATIC);
    }

    /** The same backend, from another source. */
    public BackendSpec withSource(String newSource) {
        return new BackendSpec(address, weight, route, tls, newSource);
    }

    /** A plain HTTP backend without a route of its own. */
    public BackendSpec(BackendAddress address, int weight) {
        this(address, weight, null, false);
    }

    /** A plain HTTP backend. */
    public BackendSpec(BackendAddress address, int weight, String route) {
        this(address, weight, route, false);
    }

    /** {@code http://HOST:PORT} or {@code https://HOST:PORT}: where its requests go. */
    public String origin() {
        return (tls ? "https://" : "http://") + address;
    }

    /**
     * The name it is routed by: its {@code ROUTE}, or else an id derived from its
     * {@code HOST:PORT} alone (never from its place in the list, the instance or a random seed),
     * so that every jlb instance with the same backends uses the same ids, and the id does not
     * give the address away.
     */
    public String routeId() {
        return route != null ? route : derivedId(address);
    }

    /** The first 12 hex digits of the SHA-256 of {@code HOST:PORT}. */
    static String derivedId(BackendAddress address) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(address.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
