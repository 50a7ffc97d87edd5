package dev.jlb.discovery;

import dev.jlb.config.DnsTarget;

/** Looks an entry up in DNS: the one place that talks to a resolver, so that the rest is tested without one. */
public interface Resolver {
    /**
     * Looks the entry up now, past any cache.
     *
     * @return what was found; empty when the name has no such records
     * @throws LookupFailedException when the resolver could not answer (timeout, SERVFAIL, refused)
     */
    DnsAnswer resolve(DnsTarget target) throws LookupFailedException;
}
