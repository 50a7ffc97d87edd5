package dev.jlb.config;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Parsers for configuration values. Each throws {@link IllegalArgumentException} with a
 * message that quotes the bad value and says what was expected; the caller adds where the
 * value came from.
 */
public final class ValueParsers {
    private static final Pattern ROUTE = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    /** RFC 6265's cookie-name: an RFC 9110 token. */
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    /** Longest duration accepted, so that millisecond arithmetic never overflows. */
    static final Duration MAX_DURATION = Duration.ofDays(30);

    private ValueParsers() {}

    public static int port(String text) {
        return port(text, text);
    }

    static int port(String text, String context) {
        try {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        if (context.equals(text)) {
            throw new IllegalArgumentException("'" + text + "' is not a port number (1-65535)");
        }
        throw new IllegalArgumentException("'" + context + "' has no valid port (1-65535)");
    }

    /**
     * Parses {@code HOST:PORT[=WEIGHT][@ROUTE],...} and keeps the static backends (see
     * {@link BackendEntries#parse} for the whole list, with its DNS entries).
     */
    public static List<BackendSpec> backends(String text) {
        return BackendEntries.parse(text).statics();
    }

    /** Parses {@code [https://]HOST:PORT[=WEIGHT][@ROUTE]}. */
    public static BackendSpec backend(String entry) {
        String rest = entry;
        boolean tls = false;
        if (rest.regionMatches(true, 0, "https://", 0, 8)) {
            tls = true;
            rest = rest.substring(8);
        } else if (rest.regionMatches(true, 0, "http://", 0, 7)) {
            rest = rest.substring(7);
        }
        String route = null;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            route = rest.substring(at + 1);
            rest = rest.substring(0, at);
            if (!ROUTE.matcher(route).matches()) {
                throw new IllegalArgumentException("route '" + route + "' of '" + entry
                        + "' is not 1-64 of A-Z, a-z, 0-9, _ and - (expected HOST:PORT[=WEIGHT][@ROUTE])");
            }
        }
        int equals = rest.indexOf('=');
        String address = equals < 0 ? rest : rest.substring(0, equals);
        int weight = 1;
        if (equals >= 0) {
            weight = weight(rest.substring(equals + 1), entry);
        }
        try {
            return new BackendSpec(BackendAddress.parse(address), weight, route, tls);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " (expected HOST:PORT[=WEIGHT][@ROUTE])");
        }
    }

    /** A backend's weight, 1 to {@link BackendSpec#MAX_WEIGHT}, as written in the entry. */
    static int weight(String text, String entry) {
        try {
            int weight = Integer.parseInt(text);
            if (weight >= 1 && weight <= BackendSpec.MAX_WEIGHT) {
                return weight;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("weight '" + text + "' of '" + entry
                + "' is not a positive integer from 1 to " + BackendSpec.MAX_WEIGHT);
    }

    /** Parses a positive number of seconds ({@code 30}, {@code 0.5}) into a duration of whole milliseconds. */
    public static Duration seconds(String text) {
        BigDecimal seconds;
        try {
            seconds = new BigDecimal(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a positive number of seconds");
        }
        if (seconds.signum() <= 0) {
            throw new IllegalArgumentException("'" + text + "' is not a positive number of seconds");
        }
        if (seconds.compareTo(BigDecimal.valueOf(MAX_DURATION.toSeconds())) > 0) {
            throw new IllegalArgumentException(
                    "'" + text + "' seconds is more than the maximum of " + MAX_DURATION.toSeconds());
        }
        long millis = seconds.movePointRight(3).longValue();
        if (millis < 1) {
            throw new IllegalArgumentException("'" + text + "' seconds is shorter than one millisecond");
        }
        return Duration.ofMillis(millis);
    }

    /** Parses an integer from {@code min} to {@code max}. */
    public static int integer(String text, int min, int max) {
        try {
            int value = Integer.parseInt(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("'" + text + "' is not an integer from " + min + " to " + max);
    }

    /**
     * Parses a size in bytes: a whole number, optionally with a unit ({@code 64KiB}, {@code 10MiB},
     * {@code 1GiB}), or {@code unlimited} (returned as -1).
     */
    public static long bytes(String text) {
        if ("unlimited".equalsIgnoreCase(text)) {
            return -1;
        }
        String number = text;
        long unit = 1;
        for (String[] suffix :
                new String[][] {{"KiB", "1024"}, {"MiB", "1048576"}, {"GiB", "1073741824"}, {"B", "1"}}) {
            if (text.endsWith(suffix[0])) {
                number = text.substring(0, text.length() - suffix[0].length()).strip();
                unit = Long.parseLong(suffix[1]);
                break;
            }
        }
        try {
            long value = Long.parseLong(number);
            if (value >= 0 && value <= Long.MAX_VALUE / unit) {
                return value * unit;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(
                "'" + text + "' is not a size in bytes (such as 65536, 64KiB, 10MiB" + " or unlimited)");
    }

    /** Parses an absolute request path (with optional query), as sent in a request line. */
    public static String requestPath(String text) {
        if (!text.startsWith("/")) {
            throw new IllegalArgumentException("'" + text + "' is not a path starting with '/'");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c <= ' ' || c >= 0x7f || c == '#') {
                throw new IllegalArgumentException("'" + text + "' has a character not allowed in a request path");
            }
        }
        return text;
    }

    /**
     * Parses a bearer token: empty (for none) or visible ASCII without spaces. The message never
     * repeats the value, which is a secret.
     */
    public static String token(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c <= ' ' || c >= 0x7f) {
                throw new IllegalArgumentException(
                        "the token has a character other than visible ASCII" + " (position " + (i + 1) + ")");
            }
        }
        return text;
    }

    /** Parses a non-empty header value of visible ASCII characters and inner spaces. */
    public static String headerValue(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("the value is empty");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < ' ' || c >= 0x7f) && c != '\t') {
                throw new IllegalArgumentException("'" + text + "' has a character not allowed in a header value");
            }
        }
        return text;
    }

    /** Parses a number of seconds that may be 0 ({@code 0} turns the feature off). */
    public static Duration secondsOrZero(String text) {
        try {
            if (new BigDecimal(text).signum() == 0) {
                return Duration.ZERO;
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a number of seconds (0 or more)");
        }
        return seconds(text);
    }

    /** Parses a token (RFC 9110), such as a cookie or header name. */
    public static String tokenName(String text) {
        if (!TOKEN.matcher(text).matches()) {
            throw new IllegalArgumentException(
                    "'" + text
                            + "' is not a valid name (an RFC 9110 token: letters, digits and some punctuation, no spaces or separators)");
        }
        return text;
    }

    /** Parses {@code 0} (off) or a percentage from 100 to 1000. */
    public static int balanceFactor(String text) {
        try {
            int percent = Integer.parseInt(text);
            if (percent == 0 || (percent >= 100 && percent <= 1000)) {
                return percent;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("'" + text + "' is not 0 (off) or a percentage from 100 to 1000");
    }

    /** Parses {@code true} or {@code false}. */
    public static boolean bool(String text) {
        return switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("'" + text + "' is not true or false");
        };
    }

    /**
     * Parses where the state file is, or {@code null} for an empty value (off). The file itself
     * may not exist yet, but the directory it goes in must, and be writable: the file is replaced
     * by renaming a new one into that directory.
     */
    public static Path stateFile(String text) {
        if (text.isEmpty()) {
            return null;
        }
        Path file;
        try {
            file = Path.of(text).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("'" + text + "' is not a file name", e);
        }
        Path directory = file.getParent();
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException("'" + text + "' is a directory, not a file");
        }
        if (directory == null || !Files.isDirectory(directory) || !Files.isWritable(directory)) {
            throw new IllegalArgumentException("cannot write '" + text + "' (no such writable directory)");
        }
        return file;
    }
}
