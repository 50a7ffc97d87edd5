package dev.jlb.discovery;

/** Told of every lookup and whether it gave a usable answer (metrics). */
@FunctionalInterface
public interface LookupListener {
    LookupListener NONE = (name, ok) -> {};

    /**
     * A lookup has ended.
     *
     * @param name the DNS name looked up, as written in the entry
     * @param ok   whether it gave records (a failure, a timeout or an empty answer is not ok)
     */
    void lookedUp(String name, boolean ok);
}
