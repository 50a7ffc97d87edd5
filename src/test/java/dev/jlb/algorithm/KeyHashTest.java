package dev.jlb.algorithm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.CharBuffer;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class KeyHashTest {
    @Test
    void isFnv1aAsPublishedForAscii() {
        // The FNV authors' test vectors for FNV-1a 64.
        assertEquals(0xcbf29ce484222325L, KeyHash.fnv1a(""));
        assertEquals(0xaf63dc4c8601ec8cL, KeyHash.fnv1a("a"));
        assertEquals(0x85944171f73967e8L, KeyHash.fnv1a("foobar"));
    }

    @Test
    void givesTheSameValuesOnEveryJvmAndInstance() {
        // Pinned, and checked against an independent implementation when written: a change here
        // moves every key of every deployment, and instances of two versions would disagree.
        assertEquals(0xefd01f60ba992926L, KeyHash.hash(""));
        assertEquals(0x82a2a958a9bece5bL, KeyHash.hash("a"));
        assertEquals(0xc879e56ddc6c5c88L, KeyHash.hash("10.0.0.1"));
        assertEquals(0xc45611be9bd9112bL, KeyHash.hash("client-42"));
        assertEquals(0x31028f335027a476L, KeyHash.hash("\u00e9"));
    }

    @Property(tries = 500)
    void dependsOnTheCharactersAloneNotOnTheKindOfSequence(@ForAll String key) {
        long hash = KeyHash.hash(key);
        // A builder, as a proxy assembling a key from parts would hand over.
        @SuppressWarnings("UnnecessaryStringBuilder") // the point is a CharSequence that is not a String
        CharSequence built = new StringBuilder(key);
        assertEquals(hash, KeyHash.hash(built));
        assertEquals(hash, KeyHash.hash(CharBuffer.wrap(key.toCharArray())));
        assertEquals(hash, KeyHash.hash(new String(key.toCharArray())));
    }
}
