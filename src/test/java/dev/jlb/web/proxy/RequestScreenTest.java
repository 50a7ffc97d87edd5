package dev.jlb.web.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Collections;
import java.util.List;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Which {@code Transfer-Encoding} lists the proxy forwards: {@code chunked} alone, nothing else. */
class RequestScreenTest {
    private static final List<String> CODINGS = List.of(
            "chunked",
            "Chunked",
            "CHUNKED",
            "gzip",
            "deflate",
            "compress",
            "identity",
            "foo",
            "x-custom",
            "br",
            "chunked;ext=1",
            "gzip;q=1");

    @Provide
    Arbitrary<List<List<String>>> codingFields() {
        Arbitrary<String> coding = Arbitraries.oneOf(Arbitraries.of(CODINGS), Arbitraries.of("", " ", "\t"));
        return coding.list().ofMinSize(1).ofMaxSize(4).list().ofMinSize(1).ofMaxSize(3);
    }

    @Provide
    Arbitrary<String> separators() {
        return Arbitraries.of(",", ", ", " ,", " , ", ",\t");
    }

    private static String bare(String coding) {
        int parameters = coding.indexOf(';');
        return (parameters < 0 ? coding : coding.substring(0, parameters))
                .strip()
                .toLowerCase(Locale.ROOT);
    }

    @Property(tries = 2000)
    void onlyChunkedAloneAndLastPassesAndCodingsBeforeItGet501(
            @ForAll("codingFields") List<List<String>> fields, @ForAll("separators") String separator) {
        List<String> values =
                fields.stream().map(field -> String.join(separator, field)).toList();
        List<String> codings = fields.stream()
                .flatMap(List::stream)
                .map(RequestScreenTest::bare)
                .filter(coding -> !coding.isEmpty())
                .toList();

        RequestScreen.Refusal refusal = RequestScreen.transferCodings(Collections.enumeration(values));

        long chunked = codings.stream().filter("chunked"::equals).count();
        if (codings.equals(List.of("chunked"))) {
            assertNull(refusal, values.toString());
        } else if (chunked == 1 && codings.get(codings.size() - 1).equals("chunked")) {
            assertEquals(501, refusal.status(), values.toString());
        } else {
            assertEquals(400, refusal.status(), values.toString());
        }
    }

    @Example
    void theDefectsCases() {
        assertEquals(
                501,
                RequestScreen.transferCodings(Collections.enumeration(List.of("foo, chunked")))
                        .status());
        assertEquals(
                501,
                RequestScreen.transferCodings(Collections.enumeration(List.of("gzip, chunked")))
                        .status());
        assertEquals(
                400,
                RequestScreen.transferCodings(Collections.enumeration(List.of("chunked, gzip")))
                        .status());
        assertEquals(
                400,
                RequestScreen.transferCodings(Collections.enumeration(List.of("chunked", "chunked")))
                        .status());
        assertEquals(
                400,
                RequestScreen.transferCodings(Collections.enumeration(List.of("gzip")))
                        .status());
        assertNull(RequestScreen.transferCodings(Collections.enumeration(List.of("chunked"))));
        assertNull(RequestScreen.transferCodings(Collections.enumeration(List.of(" Chunked "))));
    }
}
