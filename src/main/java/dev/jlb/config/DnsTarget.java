package dev.jlb.config;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A {@code backends} entry whose backends come from DNS: {@code dns:NAME:PORT[=WEIGHT]} (every A
 * and AAAA address of NAME, on PORT, each with WEIGHT) or {@code srv:NAME} (every SRV record of
 * NAME: its target's addresses on its port, weighted by the record).
 *
 * @param port   the port of {@code dns:}; 0 for {@code srv:}, whose records give theirs
 * @param weight the weight of every address of {@code dns:}; 1 for {@code srv:}
 */
public record DnsTarget(Kind kind, String name, int port, int weight) {
    /** Which records are asked for. */
    public enum Kind {
        /** A and AAAA. */
        ADDRESS("dns:"),
        SRV("srv:");

        private final String prefix;

        Kind(String prefix) {
            this.prefix = prefix;
        }

        public String prefix() {
            return prefix;
        }
    }

    // Labels may start with '_' (_http._tcp.example.org); a trailing dot makes the name absolute.
    private static final Pattern NAME = Pattern.compile(
            "[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?)*\\.?");

    /** Whether a {@code backends} entry is one of these rather than {@code HOST:PORT}. */
    public static boolean isTarget(String entry) {
        String lower = entry.toLowerCase(Locale.ROOT);
        return lower.startsWith(Kind.ADDRESS.prefix) || lower.startsWith(Kind.SRV.prefix);
    }

    /**
     * Parses {@code dns:NAME:PORT[=WEIGHT]} or {@code srv:NAME}.
     *
     * @throws IllegalArgumentException saying what is wrong with the entry
     */
    public static DnsTarget parse(String entry) {
        String lower = entry.toLowerCase(Locale.ROOT);
        if (lower.startsWith(Kind.SRV.prefix)) {
            String name = entry.substring(Kind.SRV.prefix.length());
            return new DnsTarget(Kind.SRV, checkedName(name, entry, "srv:NAME"), 0, 1);
        }
        String rest = entry.substring(Kind.ADDRESS.prefix.length());
        int weight = 1;
        int equals = rest.indexOf('=');
        if (equals >= 0) {
            weight = ValueParsers.weight(rest.substring(equals + 1), entry);
            rest = rest.substring(0, equals);
        }
        int colon = rest.lastIndexOf(':');
        if (colon <= 0 || colon == rest.length() - 1) {
            throw new IllegalArgumentException("'" + entry + "' is not dns:NAME:PORT[=WEIGHT]");
        }
        String name = checkedName(rest.substring(0, colon), entry, "dns:NAME:PORT[=WEIGHT]");
        return new DnsTarget(Kind.ADDRESS, name, ValueParsers.port(rest.substring(colon + 1), entry), weight);
    }

    private static String checkedName(String name, String entry, String form) {
        if (name.isEmpty() || name.length() > 253 || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + entry + "' has no valid DNS name (expected " + form + ")");
        }
        return name;
    }

    /**
     * The entry as its backends' {@code source} names it: {@code dns:NAME:PORT} or
     * {@code srv:NAME}.
     */
    public String source() {
        return kind == Kind.SRV ? kind.prefix + name : kind.prefix + name + ":" + port;
    }

    /** The entry as written, for logs. */
    public String describe() {
        return weight == 1 ? source() : source() + "=" + weight;
    }
}
