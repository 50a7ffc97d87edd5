package dev.jlb.web.proxy;

import dev.jlb.balancer.Backend;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

/**
 * Which headers cross the proxy, each way, and the ones it adds. Jetty's own versions of these
 * hooks lower-case every header name into a new string, build sets and format strings with
 * {@code String.format} on every request; these look known headers up by their enum and build
 * each added value once.
 */
final class ForwardingHeaders {
    static final String X_BACKEND_SERVER = "X-Backend-Server";
    static final String X_FORWARDED_BY = "X-Forwarded-By";

    /** Headers of one connection only (RFC 9110, 7.6.1), never forwarded either way. */
    private static final EnumSet<HttpHeader> HOP_BY_HOP = EnumSet.of(
            HttpHeader.CONNECTION,
            HttpHeader.KEEP_ALIVE,
            HttpHeader.PROXY_AUTHORIZATION,
            HttpHeader.PROXY_AUTHENTICATE,
            HttpHeader.PROXY_CONNECTION,
            HttpHeader.TRANSFER_ENCODING,
            HttpHeader.TE,
            HttpHeader.TRAILER,
            HttpHeader.UPGRADE);
    /** Request headers the proxy writes itself, from the client's values where it appends to them. */
    private static final EnumSet<HttpHeader> WRITTEN_BY_PROXY = EnumSet.of(
            HttpHeader.VIA,
            HttpHeader.FORWARDED,
            HttpHeader.X_FORWARDED_FOR,
            HttpHeader.X_FORWARDED_PROTO,
            HttpHeader.X_FORWARDED_HOST);

    private final HttpField forwardedBy;
    private final String via;
    private final boolean preserveHost;
    private final String hostHeader;
    private final String ownCookie;

    /**
     * @param forwardedBy  the value of {@code X-Forwarded-By}
     * @param viaPseudonym the name in {@code Via}
     * @param preserveHost whether the backend gets the client's {@code Host} (else its own authority)
     * @param hostHeader   a {@code Host} to send instead, or {@code null}
     * @param ownCookie    jlb's own session cookie, kept from the backends, or {@code null}
     */
    ForwardingHeaders(
            String forwardedBy, String viaPseudonym, boolean preserveHost, String hostHeader, String ownCookie) {
        this.forwardedBy = new HttpField(X_FORWARDED_BY, forwardedBy);
        this.via = " " + viaPseudonym;
        this.preserveHost = preserveHost;
        this.hostHeader = hostHeader;
        this.ownCookie = ownCookie;
    }

    /**
     * Fills the upstream request's headers in one pass over the client's: those the backend may
     * see, then what the proxy tells it (Via, Forwarded, X-Forwarded-*, X-Forwarded-By,
     * X-Backend-Server), appended to the client's own Via, Forwarded and X-Forwarded-For.
     */
    void forward(HttpServletRequest client, Backend backend, HttpFields.Mutable upstream) {
        StringBuilder via = null;
        StringBuilder forwarded = null;
        StringBuilder forwardedFor = null;
        List<String> connectionNamed = null;
        for (Enumeration<String> names = client.getHeaderNames(); names.hasMoreElements(); ) {
            String name = names.nextElement();
            HttpHeader known = HttpHeader.CACHE.get(name);
            if (known == null) {
                if (!isOursOrHopByHop(name)) {
                    copy(client, name, null, upstream);
                }
                continue;
            }
            switch (known) {
                case CONNECTION -> {
                    for (Enumeration<String> values = client.getHeaders(name); values.hasMoreElements(); ) {
                        connectionNamed = connectionTokens(values.nextElement(), connectionNamed);
                    }
                }
                case VIA -> via = chain(client, name, via);
                case FORWARDED -> forwarded = chain(client, name, forwarded);
                case X_FORWARDED_FOR -> forwardedFor = chain(client, name, forwardedFor);
                case HOST -> {
                    if (preserveHost) {
                        copy(client, name, known, upstream);
                    }
                }
                case COOKIE -> {
                    if (ownCookie == null) {
                        copy(client, name, known, upstream);
                    } else {
                        copyCookiesBut(client, name, upstream);
                    }
                }
                default -> {
                    if (!HOP_BY_HOP.contains(known) && !WRITTEN_BY_PROXY.contains(known)) {
                        copy(client, name, known, upstream);
                    }
                }
            }
        }
        if (connectionNamed != null) {
            for (String named : connectionNamed) {
                upstream.remove(named);
            }
        }
        if (hostHeader != null) {
            upstream.put(HttpHeader.HOST, hostHeader);
        } else if (!preserveHost) {
            // The backend's own authority, as HttpClient would write it, but without the URI it
            // builds and parses for every request that has no Host.
            upstream.put(HttpHeader.HOST, backend.authority());
        }

        String remote = client.getRemoteAddr();
        String scheme = client.getScheme();
        String host = client.getHeader(HttpHeader.HOST.asString());
        if (host == null) {
            host = client.getServerName() + ":" + client.getServerPort();
        }
        String protocol = client.getProtocol();
        String version = protocol.startsWith("HTTP/") ? protocol.substring(5) : protocol;
        upstream.add(HttpHeader.VIA, appended(via, version + this.via));
        upstream.add(
                HttpHeader.FORWARDED,
                appended(
                        forwarded,
                        "by=\"" + client.getLocalAddr() + "\";for=\"" + remote + "\";host=\"" + host + "\";proto="
                                + scheme));
        upstream.add(HttpHeader.X_FORWARDED_FOR, appended(forwardedFor, remote));
        upstream.add(HttpHeader.X_FORWARDED_PROTO, scheme);
        upstream.add(HttpHeader.X_FORWARDED_HOST, host);
        upstream.add(forwardedBy);
        upstream.add(X_BACKEND_SERVER, backend.authority());
    }

    /**
     * Whether a header name that is not one of Jetty's known ones is still one that the proxy
     * writes or strips: its own {@code X-Backend-Server} and {@code X-Forwarded-By}, which the
     * backend must be able to trust, or any such name spelled with {@code _} for {@code -}
     * ({@code X_Forwarded_For}), which CGI, PHP, WSGI and some Java frameworks read as the same
     * header. nginx ignores every header with an underscore by default; only these go here.
     */
    static boolean isOursOrHopByHop(String name) {
        if (name.indexOf('_') < 0) {
            return name.equalsIgnoreCase(X_BACKEND_SERVER) || name.equalsIgnoreCase(X_FORWARDED_BY);
        }
        String dashed = name.replace('_', '-');
        HttpHeader known = HttpHeader.CACHE.get(dashed);
        if (known != null) {
            return known == HttpHeader.HOST
                    || known == HttpHeader.CONTENT_LENGTH
                    || HOP_BY_HOP.contains(known)
                    || WRITTEN_BY_PROXY.contains(known);
        }
        return dashed.equalsIgnoreCase(X_BACKEND_SERVER) || dashed.equalsIgnoreCase(X_FORWARDED_BY);
    }

    /** Copies the {@code Cookie} headers without jlb's own cookie, which is none of the backend's business. */
    private void copyCookiesBut(HttpServletRequest client, String name, HttpFields.Mutable upstream) {
        for (Enumeration<String> values = client.getHeaders(name); values.hasMoreElements(); ) {
            String value = values.nextElement();
            if (value != null && Cookies.contains(value, ownCookie)) {
                value = Cookies.without(value, ownCookie);
            }
            if (value != null) {
                upstream.add(HttpHeader.COOKIE, value);
            }
        }
    }

    private static void copy(HttpServletRequest client, String name, HttpHeader known, HttpFields.Mutable upstream) {
        for (Enumeration<String> values = client.getHeaders(name); values.hasMoreElements(); ) {
            String value = values.nextElement();
            if (value != null) {
                if (known != null) {
                    upstream.add(known, value);
                } else {
                    upstream.add(name, value);
                }
            }
        }
    }

    /** The client's values of a header that proxies chain, joined, with room for ours. */
    private static StringBuilder chain(HttpServletRequest client, String name, StringBuilder chain) {
        for (Enumeration<String> values = client.getHeaders(name); values.hasMoreElements(); ) {
            String value = values.nextElement();
            if (value != null && !value.isBlank()) {
                if (chain == null) {
                    chain = new StringBuilder();
                }
                chain.append(value).append(", ");
            }
        }
        return chain;
    }

    private static String appended(StringBuilder chain, String ours) {
        return chain == null ? ours : chain.append(ours).toString();
    }

    /**
     * Copies the backend's response headers to the client's response, but for hop-by-hop ones,
     * those its {@code Connection} header names, and its own {@code X-Backend-Server}. The first
     * of each name replaces what the container may have set (Date, Server); repeats are added.
     */
    static void copyResponse(Response backend, HttpServletResponse client) {
        HttpFields fields = backend.getHeaders();
        List<String> connectionNamed = null;
        for (HttpField field : fields) {
            if (field.getHeader() == HttpHeader.CONNECTION) {
                connectionNamed = connectionTokens(field.getValue(), connectionNamed);
            }
        }
        long seenKnown0 = 0;
        long seenKnown1 = 0;
        List<String> seenOther = null;
        for (HttpField field : fields) {
            HttpHeader known = field.getHeader();
            String name = field.getName();
            boolean first;
            if (connectionNamed != null && isNamed(connectionNamed, name)) {
                continue;
            }
            if (known != null) {
                if (HOP_BY_HOP.contains(known)) {
                    continue;
                }
                // One bit per known header in two longs: a set without allocation, for the order Jetty's
                // enum gives (which may change between versions without harm: only membership counts).
                @SuppressWarnings("EnumOrdinal")
                int bit = known.ordinal();
                long mask = 1L << (bit & 63);
                if (bit < 64) {
                    first = (seenKnown0 & mask) == 0;
                    seenKnown0 |= mask;
                } else {
                    first = (seenKnown1 & mask) == 0;
                    seenKnown1 |= mask;
                }
            } else {
                if (field.is(X_BACKEND_SERVER)) {
                    continue;
                }
                if (seenOther == null) {
                    seenOther = new ArrayList<>(4);
                }
                first = !containsIgnoreCase(seenOther, name);
                if (first) {
                    seenOther.add(name);
                }
            }
            if (first) {
                client.setHeader(name, field.getValue());
            } else {
                client.addHeader(name, field.getValue());
            }
        }
    }

    /** The header names a {@code Connection} value lists, other than the usual close and keep-alive. */
    private static List<String> connectionTokens(String value, List<String> names) {
        // Nearly always just one of these: nothing to parse.
        if (value == null || value.equalsIgnoreCase("keep-alive") || value.equalsIgnoreCase("close")) {
            return names;
        }
        for (String token : value.split(",", -1)) {
            String name = token.strip().toLowerCase(Locale.ROOT);
            if (!name.isEmpty() && !name.equals("close") && !name.equals("keep-alive")) {
                if (names == null) {
                    names = new ArrayList<>(2);
                }
                names.add(name);
            }
        }
        return names;
    }

    private static boolean isNamed(List<String> names, String name) {
        return containsIgnoreCase(names, name);
    }

    private static boolean containsIgnoreCase(List<String> names, String name) {
        for (String candidate : names) {
            if (candidate.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }
}
