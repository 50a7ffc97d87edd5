package dev.jlb.discovery;

import java.time.Duration;
import java.util.List;

/**
 * What a DNS lookup of an entry found.
 *
 * @param endpoints every address found, with its port and weight as the records give them
 * @param ttl       the shortest TTL among the records that were used
 */
public record DnsAnswer(List<Endpoint> endpoints, Duration ttl) {
    /**
     * One address.
     *
     * @param host   an IPv4 address, or an IPv6 address in brackets
     * @param weight the SRV record's weight (0-65535), or the entry's weight for A and AAAA
     */
    public record Endpoint(String host, int port, int weight) {}

    public DnsAnswer {
        endpoints = List.copyOf(endpoints);
    }
}
