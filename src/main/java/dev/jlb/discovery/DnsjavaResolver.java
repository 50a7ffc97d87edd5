package dev.jlb.discovery;

import dev.jlb.config.DnsTarget;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Asks a DNS server with dnsjava: the given server, or the system's (from /etc/resolv.conf,
 * with its search list). Every lookup starts from an empty cache of its own, so the answer is
 * the server's own (its TTLs are what schedule the next lookup), and neither the JVM's
 * {@link InetAddress} cache nor /etc/hosts is in the way. An SRV record's target is looked up
 * too: its addresses, on the record's port, are the backends.
 */
final class DnsjavaResolver implements Resolver {
    private final org.xbill.DNS.Resolver resolver;

    /**
     * @param server  the resolver to ask, or {@code null} for the system's
     * @param timeout how long one question may take before it counts as failed
     */
    DnsjavaResolver(InetSocketAddress server, Duration timeout) {
        org.xbill.DNS.Resolver chosen = server == null ? new ExtendedResolver() : new SimpleResolver(server);
        chosen.setTimeout(timeout);
        this.resolver = chosen;
    }

    @Override
    public DnsAnswer resolve(DnsTarget target) throws LookupFailedException {
        Answers answers = new Answers();
        if (target.kind() == DnsTarget.Kind.SRV) {
            for (Record record : lookup(target.name(), Type.SRV, answers)) {
                SRVRecord srv = (SRVRecord) record;
                // A target of "." says that the service is not offered there (RFC 2782).
                if (srv.getTarget().equals(Name.root)) {
                    continue;
                }
                for (String host : addresses(srv.getTarget().toString(), answers)) {
                    answers.endpoints.add(new DnsAnswer.Endpoint(host, srv.getPort(), srv.getWeight()));
                }
            }
        } else {
            for (String host : addresses(target.name(), answers)) {
                answers.endpoints.add(new DnsAnswer.Endpoint(host, target.port(), target.weight()));
            }
        }
        return new DnsAnswer(
                answers.endpoints, Duration.ofSeconds(answers.minTtl == Long.MAX_VALUE ? 0 : answers.minTtl));
    }

    /** What one resolve has found so far. */
    private static final class Answers {
        final List<DnsAnswer.Endpoint> endpoints = new ArrayList<>();
        long minTtl = Long.MAX_VALUE;
    }

    /** The A and AAAA addresses of a name, IPv6 in brackets. */
    private List<String> addresses(String name, Answers answers) throws LookupFailedException {
        List<String> hosts = new ArrayList<>();
        for (Record record : lookup(name, Type.A, answers)) {
            hosts.add(((ARecord) record).getAddress().getHostAddress());
        }
        for (Record record : lookup(name, Type.AAAA, answers)) {
            String literal = ((AAAARecord) record).getAddress().getHostAddress();
            int zone = literal.indexOf('%');
            hosts.add("[" + (zone < 0 ? literal : literal.substring(0, zone)) + "]");
        }
        return hosts;
    }

    private List<Record> lookup(String name, int type, Answers answers) throws LookupFailedException {
        Lookup lookup;
        try {
            lookup = new Lookup(name, type);
        } catch (TextParseException e) {
            throw new LookupFailedException("'" + name + "' is not a DNS name: " + e.getMessage());
        }
        lookup.setResolver(resolver);
        // null: a cache of its own, for this lookup only.
        lookup.setCache(null);
        lookup.setHostsFileParser(null);
        Record[] records = lookup.run();
        switch (lookup.getResult()) {
            case Lookup.SUCCESSFUL -> {
                List<Record> found = new ArrayList<>(records.length);
                for (Record record : records) {
                    found.add(record);
                    answers.minTtl = Math.min(answers.minTtl, record.getTTL());
                }
                return found;
            }
            case Lookup.HOST_NOT_FOUND, Lookup.TYPE_NOT_FOUND -> {
                return List.of();
            }
            default ->
                throw new LookupFailedException(
                        Type.string(type) + " lookup of " + name + ": " + lookup.getErrorString());
        }
    }
}
