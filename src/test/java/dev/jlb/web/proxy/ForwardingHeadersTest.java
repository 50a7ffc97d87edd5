package dev.jlb.web.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Client headers that the proxy writes or strips never reach a backend under another spelling:
 * any case, {@code _} for {@code -}.
 */
class ForwardingHeadersTest {
    /** Every header the proxy writes or strips that is not one of Jetty's known ones, plus those that are. */
    private static final List<String> OURS = List.of(
            "X-Backend-Server",
            "X-Forwarded-By",
            "X-Forwarded-For",
            "X-Forwarded-Proto",
            "X-Forwarded-Host",
            "Forwarded",
            "Via",
            "Connection",
            "Keep-Alive",
            "Proxy-Authorization",
            "Proxy-Authenticate",
            "Proxy-Connection",
            "Transfer-Encoding",
            "TE",
            "Trailer",
            "Upgrade",
            "Host",
            "Content-Length");

    private static final Set<String> OURS_FOLDED =
            Set.copyOf(OURS.stream().map(ForwardingHeadersTest::fold).toList());

    private static String fold(String name) {
        return name.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @Provide
    Arbitrary<String> respellings() {
        return Combinators.combine(Arbitraries.of(OURS), Arbitraries.longs())
                .as((name, bits) -> {
                    StringBuilder spelled = new StringBuilder(name.length());
                    for (int i = 0; i < name.length(); i++) {
                        char c = name.charAt(i);
                        boolean flip = (bits >>> (i % 64) & 1) == 1;
                        if (c == '-') {
                            spelled.append(flip || i == name.indexOf('-') ? '_' : '-');
                        } else {
                            spelled.append(flip ? Character.toUpperCase(c) : Character.toLowerCase(c));
                        }
                    }
                    return spelled.toString();
                })
                .filter(name -> name.indexOf('_') >= 0);
    }

    @Property(tries = 1000)
    void anyUnderscoreSpellingOfAHeaderTheProxyOwnsIsDropped(@ForAll("respellings") String name) {
        assertTrue(ForwardingHeaders.isOursOrHopByHop(name), name);
    }

    @Property(tries = 1000)
    void otherNamesPass(@ForAll("names") String name) {
        assertEquals(
                OURS_FOLDED.contains(fold(name))
                        && (name.indexOf('_') >= 0
                                || fold(name).equals("x-backend-server")
                                || fold(name).equals("x-forwarded-by")),
                ForwardingHeaders.isOursOrHopByHop(name),
                name);
    }

    @Provide
    Arbitrary<String> names() {
        Arbitrary<String> random = Arbitraries.strings()
                .withChars("abcxXyY_-0123456789")
                .ofMinLength(1)
                .ofMaxLength(20);
        return Arbitraries.oneOf(
                random,
                respellings(),
                Arbitraries.of(OURS),
                Arbitraries.of("X_Custom", "X-Request-Id", "Accept_Language", "X_Real_IP", "Cookie"));
    }
}
