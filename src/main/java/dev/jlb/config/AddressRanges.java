package dev.jlb.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;
import org.eclipse.jetty.util.InetAddressSet;

/**
 * Client addresses allowed in, as a list of CIDR ranges ({@code 10.0.0.0/8, 192.168.1.7, ::1}),
 * matched by Jetty's {@link InetAddressSet}. Only address literals are accepted: nothing here
 * ever looks a name up in DNS (the set itself would).
 */
public final class AddressRanges {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");

    private final InetAddressSet ranges;
    private final String text;

    private AddressRanges(InetAddressSet ranges, String text) {
        this.ranges = ranges;
        this.text = text;
    }

    /**
     * Parses a comma-separated list of addresses and CIDR ranges.
     *
     * @throws IllegalArgumentException naming the bad entry
     */
    public static AddressRanges parse(String text) {
        InetAddressSet ranges = new InetAddressSet();
        for (String item : text.split(",", -1)) {
            String entry = item.strip();
            int slash = entry.indexOf('/');
            InetAddress address = literal(slash < 0 ? entry : entry.substring(0, slash));
            if (address == null) {
                throw new IllegalArgumentException(
                        "'" + entry + "' is not an IP address or CIDR range" + " (such as 10.0.0.0/8 or ::1)");
            }
            int bits = address.getAddress().length * 8;
            if (slash >= 0 && !prefixWithin(entry.substring(slash + 1), bits)) {
                throw new IllegalArgumentException("'" + entry + "' has a prefix length outside 0-" + bits);
            }
            ranges.add(slash < 0 ? entry + "/" + bits : entry);
        }
        return new AddressRanges(ranges, text);
    }

    private static boolean prefixWithin(String prefix, int bits) {
        try {
            int length = Integer.parseInt(prefix);
            return length >= 0 && length <= bits;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** An IP address literal, or {@code null} if the text is not one (never a DNS lookup). */
    static InetAddress literal(String address) {
        boolean v4 = IPV4.matcher(address).matches();
        boolean v6 = !v4 && address.contains(":") && IPV6.matcher(address).matches();
        if (!v4 && !v6) {
            return null;
        }
        try {
            return InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Whether the client address (as {@code getRemoteAddr()} gives it) is in one of the ranges. */
    public boolean allows(String clientAddress) {
        String address = clientAddress.startsWith("[") && clientAddress.endsWith("]")
                ? clientAddress.substring(1, clientAddress.length() - 1)
                : clientAddress;
        int zone = address.indexOf('%');
        InetAddress literal = literal(zone < 0 ? address : address.substring(0, zone));
        return literal != null && ranges.test(literal);
    }

    @Override
    public String toString() {
        return text;
    }
}
