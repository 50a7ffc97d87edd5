package dev.jlb.algorithm;

/** Placeholder until the algorithms branch lands: the hash of a request's key. */
public final class KeyHash {
    private KeyHash() {}

    /** A hash of the key that depends on nothing else. */
    public static long hash(CharSequence key) {
        long hash = 0xcbf29ce484222325L;
        for (int i = 0; i < key.length(); i++) {
            hash = (hash ^ key.charAt(i)) * 0x100000001b3L;
        }
        return hash;
    }
}
