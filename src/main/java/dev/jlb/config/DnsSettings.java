package dev.jlb.config;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * How backends are found in DNS.
 *
 * @param targets the {@code dns:} and {@code srv:} entries of {@code backends}; empty for none
 * @param server  the resolver to ask, or {@code null} for the system's (from /etc/resolv.conf)
 * @param refresh the longest time between two lookups of an entry; a shorter TTL is honoured
 */
public record DnsSettings(List<DnsTarget> targets, InetSocketAddress server, Duration refresh) {
    /**
     * The shortest time between two lookups, whatever the TTL or {@code dnsRefresh}: a TTL of 0
     * must not mean a busy loop.
     */
    public static final Duration MIN_REFRESH = Duration.ofSeconds(1);

    public DnsSettings {
        targets = List.copyOf(targets);
    }

    /**
     * Parses {@code dnsServer}: an IP address and port ({@code 127.0.0.1:53}, {@code [::1]:53}),
     * a host name and port, looked up once here, or empty for the system's resolvers.
     */
    public static InetSocketAddress server(String text) {
        if (text.isBlank()) {
            return null;
        }
        BackendAddress address = BackendAddress.parse(text.strip());
        String host = address.host();
        String literal = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        var ip = AddressRanges.literal(literal);
        if (ip == null) {
            // A name (the contract says HOST:PORT) is looked up once, at start, by the system's
            // resolver and /etc/hosts: the DNS server cannot be asked for its own address.
            try {
                ip = java.net.InetAddress.getByName(literal);
            } catch (java.net.UnknownHostException e) {
                throw new IllegalArgumentException("'" + text + "': the name " + literal + " cannot be resolved");
            }
        }
        return new InetSocketAddress(ip, address.port());
    }
}
