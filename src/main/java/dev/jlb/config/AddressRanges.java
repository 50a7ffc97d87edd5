package dev.jlb.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Client addresses allowed in, as a list of CIDR ranges ({@code 10.0.0.0/8, 192.168.1.7, ::1}).
 * Only address literals: nothing here ever looks a name up in DNS.
 */
public final class AddressRanges {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");

    private final List<Range> ranges;
    private final String text;

    private record Range(byte[] network, int prefix) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int whole = prefix / 8;
            for (int i = 0; i < whole; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = 0xff << (8 - rest) & 0xff;
            return (address[whole] & mask) == (network[whole] & mask);
        }
    }

    private AddressRanges(List<Range> ranges, String text) {
        this.ranges = List.copyOf(ranges);
        this.text = text;
    }

    /**
     * @throws IllegalArgumentException naming the bad entry
     */
    public static AddressRanges parse(String text) {
        List<Range> ranges = new ArrayList<>();
        for (String item : text.split(",", -1)) {
            String entry = item.strip();
            int slash = entry.indexOf('/');
            String address = slash < 0 ? entry : entry.substring(0, slash);
            byte[] bytes = literal(address);
            if (bytes == null) {
                throw new IllegalArgumentException("'" + entry + "' is not an IP address or CIDR range"
                    + " (such as 10.0.0.0/8 or ::1)");
            }
            int prefix = bytes.length * 8;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(entry.substring(slash + 1));
                } catch (NumberFormatException e) {
                    prefix = -1;
                }
                if (prefix < 0 || prefix > bytes.length * 8) {
                    throw new IllegalArgumentException("'" + entry + "' has a prefix length outside 0-" + bytes.length * 8);
                }
            }
            ranges.add(new Range(bytes, prefix));
        }
        return new AddressRanges(ranges, text);
    }

    /** The bytes of an IP address literal, or {@code null} if it is not one. */
    static byte[] literal(String address) {
        boolean v4 = IPV4.matcher(address).matches();
        boolean v6 = !v4 && address.contains(":") && IPV6.matcher(address).matches();
        if (!v4 && !v6) {
            return null;
        }
        try {
            // A literal: InetAddress parses it without any lookup.
            return InetAddress.getByName(address).getAddress();
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
        byte[] bytes = literal(zone < 0 ? address : address.substring(0, zone));
        if (bytes == null) {
            return false;
        }
        for (Range range : ranges) {
            if (range.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return text;
    }
}
