package dev.jlb.algorithm;

/**
 * The 64-bit hash of a request's key that {@code consistent_hash} routes by, and of the routes
 * its backends are placed by. The proxy turns the key (a missing key counts as the empty one) into
 * the {@code long} it passes to {@link Picker#pick(long)} with {@link #hash(CharSequence)}.
 *
 * <p>Deterministic: the value depends on the key's characters alone, the same on every JVM, every
 * run and every jlb instance (no {@link String#hashCode()} seeds, identity hashes or random salt),
 * so that every instance with the same backends sends the same key to the same backend. It is
 * FNV-1a over the UTF-16 code units (each char XORed in whole, so for ASCII it is byte-wise
 * FNV-1a), finished by MurmurHash3's 64-bit mix, which spreads FNV's weak high bits over the whole
 * word (the lookup uses the high bits). It allocates nothing and takes no lock. Not a
 * cryptographic hash: a client that chooses its keys can choose their backend.
 */
public final class KeyHash {
    private static final long FNV_OFFSET_BASIS = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private KeyHash() {}

    /** The hash of a key; any thread, no allocation. */
    public static long hash(CharSequence key) {
        return mix(fnv1a(key));
    }

    /** MurmurHash3's fmix64: every input bit flips each output bit with probability about 1/2. */
    static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    /** FNV-1a over the chars, unmixed: for ASCII, the published FNV-1a 64. */
    static long fnv1a(CharSequence key) {
        long h = FNV_OFFSET_BASIS;
        for (int i = 0, n = key.length(); i < n; i++) {
            h ^= key.charAt(i);
            h *= FNV_PRIME;
        }
        return h;
    }
}
