package dev.jlb.config;

import java.util.Locale;

/**
 * What {@code consistent_hash} hashes of a request.
 *
 * @param source where the key comes from
 * @param name   the header, cookie or query parameter name; {@code null} for the others
 */
public record HashKey(Source source, String name) {
    /** Where a request's key comes from. */
    public enum Source {
        CLIENT_IP,
        HEADER,
        COOKIE,
        QUERY,
        PATH
    }

    /**
     * Parses {@code client_ip}, {@code header:NAME}, {@code cookie:NAME}, {@code query:NAME} or {@code path}.
     *
     * @throws IllegalArgumentException saying what is expected
     */
    public static HashKey parse(String text) {
        switch (text) {
            case "client_ip" -> {
                return new HashKey(Source.CLIENT_IP, null);
            }
            case "path" -> {
                return new HashKey(Source.PATH, null);
            }
            default -> {
                int colon = text.indexOf(':');
                if (colon > 0) {
                    String prefix = text.substring(0, colon);
                    String name = text.substring(colon + 1);
                    for (Source source : new Source[] {Source.HEADER, Source.COOKIE, Source.QUERY}) {
                        if (source.name().toLowerCase(Locale.ROOT).equals(prefix)) {
                            return new HashKey(
                                    source, source == Source.QUERY ? queryName(name) : ValueParsers.tokenName(name));
                        }
                    }
                }
                throw new IllegalArgumentException(
                        "'" + text + "' is not a hash key: client_ip, header:NAME, cookie:NAME, query:NAME or path");
            }
        }
    }

    private static String queryName(String name) {
        if (name.isEmpty() || name.chars().anyMatch(c -> c <= ' ' || c >= 0x7f || c == '&' || c == '=' || c == '#')) {
            throw new IllegalArgumentException("'" + name + "' is not a query parameter name");
        }
        return name;
    }

    @Override
    public String toString() {
        String source = this.source.name().toLowerCase(Locale.ROOT);
        return name == null ? source : source + ":" + name;
    }
}
