package dev.jlb.web.proxy;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Enumeration;

/**
 * Reads one cookie out of a request's {@code Cookie} headers, and writes the headers without it,
 * without parsing the others into objects as {@code getCookies()} would on every request.
 */
final class Cookies {
    private static final String COOKIE = "Cookie";

    private Cookies() {}

    /** The value of the request's first cookie of that name (without quotes), or {@code null}. */
    static String value(HttpServletRequest request, String name) {
        for (Enumeration<String> headers = request.getHeaders(COOKIE); headers.hasMoreElements(); ) {
            String value = value(headers.nextElement(), name);
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    /** The value of the first cookie of that name in one {@code Cookie} header, or {@code null}. */
    static String value(String header, String name) {
        int length = header.length();
        int start = 0;
        while (start < length) {
            int end = header.indexOf(';', start);
            if (end < 0) {
                end = length;
            }
            int from = skipSpaces(header, start, end);
            if (header.startsWith(name, from)
                    && from + name.length() < end
                    && header.charAt(from + name.length()) == '=') {
                int valueStart = from + name.length() + 1;
                int valueEnd = end;
                while (valueEnd > valueStart && header.charAt(valueEnd - 1) == ' ') {
                    valueEnd--;
                }
                if (valueEnd - valueStart >= 2
                        && header.charAt(valueStart) == '"'
                        && header.charAt(valueEnd - 1) == '"') {
                    valueStart++;
                    valueEnd--;
                }
                return header.substring(valueStart, valueEnd);
            }
            start = end + 1;
        }
        return null;
    }

    /** Whether one {@code Cookie} header holds a cookie of that name. */
    static boolean contains(String header, String name) {
        return header.contains(name) && value(header, name) != null;
    }

    /** The header without every cookie of that name, or {@code null} if nothing is left. */
    static String without(String header, String name) {
        StringBuilder kept = new StringBuilder(header.length());
        int length = header.length();
        int start = 0;
        while (start < length) {
            int end = header.indexOf(';', start);
            if (end < 0) {
                end = length;
            }
            int from = skipSpaces(header, start, end);
            boolean named = header.startsWith(name, from)
                    && from + name.length() < end
                    && header.charAt(from + name.length()) == '=';
            if (!named && from < end) {
                if (kept.length() > 0) {
                    kept.append("; ");
                }
                kept.append(header, from, end);
            }
            start = end + 1;
        }
        return kept.length() == 0 ? null : kept.toString();
    }

    private static int skipSpaces(String header, int from, int end) {
        while (from < end && (header.charAt(from) == ' ' || header.charAt(from) == '\t')) {
            from++;
        }
        return from;
    }
}
