package dev.jlb.config;

import java.util.regex.Pattern;

/**
 * A backend's {@code HOST:PORT}. The host is a DNS name, an IPv4 address or a bracketed IPv6
 * address; {@link #toString()} gives the form used in logs, headers and JSON.
 */
public record BackendAddress(String host, int port) {
    private static final Pattern HOST_NAME = Pattern.compile(
            "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+(%[A-Za-z0-9_.-]+)?");

    /**
     * Parses {@code HOST:PORT}.
     *
     * @throws IllegalArgumentException with a message that says what is wrong
     */
    public static BackendAddress parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("'" + text + "' is not HOST:PORT");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            String literal = host.substring(1, host.length() - 1);
            if (!IPV6.matcher(literal).matches() || !literal.contains(":")) {
                throw new IllegalArgumentException("'" + text + "' has no valid IPv6 address in brackets");
            }
        } else if (host.length() > 253 || !HOST_NAME.matcher(host).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not HOST:PORT (bad host '" + host + "')");
        }
        return new BackendAddress(host, ValueParsers.port(text.substring(colon + 1), text));
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
