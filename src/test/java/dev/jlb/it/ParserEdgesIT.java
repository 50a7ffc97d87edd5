package dev.jlb.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Generated requests at the edges of the request parser, sent over raw sockets to the real WAR:
 * transfer codings, Content-Length forms, header names and percent-escapes. Whatever the request,
 * the answer is a 4xx of jlb's (or 501 for a transfer coding) or a clean forward that the backend
 * reads as the client framed it; never a 500, never a hang, and no request left in flight.
 */
class ParserEdgesIT {
    private static final Duration NO_HANG = Duration.ofSeconds(10);
    private static final Pattern CONTENT_LENGTH = Pattern.compile("\r\ncontent-length: *([0-9]+)\r\n");

    private static ScriptedBackend backend;
    private static RunningBalancer balancer;

    @BeforeContainer
    static void start() throws Exception {
        backend = new ScriptedBackend(line -> ScriptedBackend.ok("ok"));
        balancer = RunningBalancer.start(Map.of("backends", backend.name(), "clientTimeout", "3"));
    }

    @AfterContainer
    static void stop() throws Exception {
        balancer.close();
        backend.close();
    }

    /** One exchange: the answer and what the backend received meanwhile. */
    private record Exchange(int status, String answer, String forwarded) {
        boolean wasForwarded() {
            return !forwarded.isEmpty();
        }
    }

    /**
     * Sends the bytes, half-closes (so that a body shorter than announced ends rather than hangs),
     * reads the whole answer, and checks what holds for every request: no 5xx, no hang, nothing in
     * flight afterwards, and a 2xx only from the backend.
     */
    private static Exchange exchange(String request) throws IOException {
        int before = backend.received().length();
        String answer;
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), balancer.port())) {
            socket.setSoTimeout((int) NO_HANG.toMillis());
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.shutdownOutput();
            answer = Http.readAll(socket.getInputStream());
        } catch (SocketTimeoutException hang) {
            throw new AssertionError("no answer within " + NO_HANG + " to:\n" + request, hang);
        }
        await("nothing in flight")
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(10))
                .atMost(Duration.ofSeconds(5))
                .until(() -> balancer.connectionsInFlight() == 0);
        assertTrue(answer.startsWith("HTTP/1.1 "), "no answer to:\n" + request + "\ngot: " + answer);
        int status = Integer.parseInt(answer.substring(9, 12));
        // 501 is the one 5xx that is the client's: a transfer coding jlb does not implement.
        assertTrue(status < 500 || status == 501, "a " + status + " to:\n" + request + "\n" + answer);
        String forwarded = backend.received().substring(before);
        if (status < 300) {
            assertFalse(forwarded.isEmpty(), "a " + status + " that no backend gave, to:\n" + request);
        } else {
            assertTrue(status >= 400, answer);
            assertTrue(answer.contains("Content-Type: application/json"), "not jlb's JSON error:\n" + answer);
        }
        return new Exchange(status, answer, forwarded);
    }

    /** The head of the forwarded request, with its header names in lower case. */
    private static String lowerHead(String forwarded) {
        return forwarded.substring(0, forwarded.indexOf("\r\n\r\n") + 2).toLowerCase(Locale.ROOT);
    }

    // ---- transfer codings ------------------------------------------------------------------

    @Provide
    Arbitrary<List<String>> transferEncodingFields() {
        Arbitrary<String> coding =
                Arbitraries.of("chunked", "Chunked", "CHUNKED", "gzip", "deflate", "identity", "foo", "br", "", " ");
        Arbitrary<String> separator = Arbitraries.of(",", ", ", " , ");
        Arbitrary<String> field = Combinators.combine(coding.list().ofMinSize(1).ofMaxSize(3), separator)
                .as((codings, sep) -> String.join(sep, codings));
        return field.list().ofMinSize(1).ofMaxSize(2);
    }

    @Property(tries = 200)
    void transferCodingsOtherThanChunkedAloneReachNoBackend(@ForAll("transferEncodingFields") List<String> fields)
            throws IOException {
        StringBuilder request = new StringBuilder("POST /te HTTP/1.1\r\nHost: x\r\nConnection: close\r\n");
        fields.forEach(
                value -> request.append("Transfer-Encoding: ").append(value).append("\r\n"));
        request.append("\r\n5\r\nhello\r\n0\r\n\r\n");
        List<String> codings = fields.stream()
                .flatMap(value -> List.of(value.split(",", -1)).stream())
                .map(coding -> coding.strip().toLowerCase(Locale.ROOT))
                .filter(coding -> !coding.isEmpty())
                .toList();

        Exchange exchange = exchange(request.toString());

        boolean emptyElements = fields.stream()
                .anyMatch(value -> List.of(value.split(",", -1)).stream().anyMatch(String::isBlank));
        if (codings.equals(List.of("chunked")) && emptyElements && exchange.status() == 400) {
            // Jetty's parser is stricter than RFC 9110 5.6.1 about empty list elements: refused, never misread.
            assertFalse(exchange.wasForwarded(), exchange.forwarded());
        } else if (codings.equals(List.of("chunked"))) {
            assertEquals(200, exchange.status(), exchange.answer());
            assertTrue(
                    exchange.forwarded().endsWith("\r\n\r\nhello")
                            || exchange.forwarded().endsWith("hello\r\n0\r\n\r\n"),
                    exchange.forwarded());
        } else {
            assertTrue(Set.of(400, 501).contains(exchange.status()), fields + " -> " + exchange.answer());
            assertFalse(exchange.wasForwarded(), fields + " reached the backend: " + exchange.forwarded());
        }
    }

    // ---- Content-Length --------------------------------------------------------------------

    @Provide
    Arbitrary<String> contentLengths() {
        Arbitrary<String> number = Arbitraries.oneOf(
                Arbitraries.integers().between(0, 9).map(String::valueOf),
                Arbitraries.of("05", "005", "+5", "-5", "0x5", "5.0", "1e1", "99999999999999999999", "5 5", ""));
        Arbitrary<String> padded = Combinators.combine(
                        Arbitraries.of("", " ", "\t"), number, Arbitraries.of("", " ", "\t"))
                .as((before, value, after) -> before + value + after);
        return Arbitraries.oneOf(
                padded,
                Combinators.combine(number, number).as((a, b) -> a + "," + b),
                Combinators.combine(number, number).as((a, b) -> a + ", " + b));
    }

    @Property(tries = 200)
    void contentLengthFormsAreRefusedOrForwardedAsTheClientFramedThem(@ForAll("contentLengths") String length)
            throws IOException {
        Exchange exchange = exchange(
                "POST /cl HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: " + length + "\r\n\r\nhello");
        if (exchange.wasForwarded()) {
            String head = lowerHead(exchange.forwarded());
            Matcher declared = CONTENT_LENGTH.matcher(head);
            String body = exchange.forwarded().substring(head.length() + 2);
            if (declared.find()) {
                int forwardedLength = Integer.parseInt(declared.group(1));
                assertEquals(forwardedLength, body.length(), "framing the backend reads: " + exchange.forwarded());
                assertEquals("hello".substring(0, forwardedLength), body, "Content-Length " + length);
            } else {
                assertTrue(head.contains("\r\ntransfer-encoding: chunked\r\n") || body.isEmpty(), exchange.forwarded());
            }
        }
    }

    // ---- header names ----------------------------------------------------------------------

    private static final List<String> OURS = List.of(
            "X-Backend-Server",
            "X-Forwarded-By",
            "X-Forwarded-For",
            "X-Forwarded-Proto",
            "X-Forwarded-Host",
            "Transfer-Encoding",
            "Proxy-Authorization",
            "Keep-Alive");

    @Provide
    Arbitrary<String> headerNames() {
        Arbitrary<String> respelled = Combinators.combine(Arbitraries.of(OURS), Arbitraries.longs())
                .as((name, bits) -> {
                    StringBuilder spelled = new StringBuilder();
                    for (int i = 0; i < name.length(); i++) {
                        char c = name.charAt(i);
                        boolean flip = (bits >>> (i % 64) & 1) == 1;
                        spelled.append(
                                c == '-'
                                        ? (flip ? '_' : '-')
                                        : flip ? Character.toUpperCase(c) : Character.toLowerCase(c));
                    }
                    return spelled.toString();
                });
        Arbitrary<String> random = Arbitraries.strings()
                .withChars("aZ09_-.!#$%&'*+^`|~")
                .ofMinLength(1)
                .ofMaxLength(12);
        Arbitrary<String> odd =
                Arbitraries.of("X Space", "X:Colon", "X@At", "X(P)", "X\u00e9", "X\"Q", "X/Slash", "X[B]");
        return Arbitraries.oneOf(respelled, random, odd);
    }

    @Property(tries = 300)
    void noHeaderSpelledLikeOneJlbSetsReachesTheBackend(@ForAll("headerNames") String name) throws IOException {
        Exchange exchange =
                exchange("GET /h HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + name + ": spoofed\r\n\r\n");
        if (!exchange.wasForwarded()) {
            assertTrue(exchange.status() >= 400, exchange.answer());
            return;
        }
        String head = lowerHead(exchange.forwarded());
        String folded = name.toLowerCase(Locale.ROOT).replace('_', '-');
        boolean ours =
                OURS.stream().map(header -> header.toLowerCase(Locale.ROOT)).anyMatch(folded::equals);
        // A client's own X-Forwarded-For, spelled as such, is the one the proxy appends to, as nginx does.
        boolean chained = folded.equals("x-forwarded-for") && name.indexOf('_') < 0;
        if (chained) {
            assertTrue(head.contains("\r\nx-forwarded-for: spoofed, 127.0.0.1\r\n"), head);
        } else {
            if (ours) {
                assertFalse(head.contains("spoofed"), name + " reached the backend:\n" + head);
            }
            assertTrue(head.contains("\r\nx-forwarded-for: 127.0.0.1\r\n"), head);
        }
        assertEquals(1, head.split("\r\nx-backend-server: ", -1).length - 1, head);
        assertTrue(head.contains("\r\nx-backend-server: " + backend.name() + "\r\n"), head);
        assertTrue(head.contains("\r\nx-forwarded-by: jlb\r\n"), head);
    }

    // ---- percent-escapes in path and query ---------------------------------------------------

    @Provide
    Arbitrary<String> pathSegments() {
        return Arbitraries.of(
                        "a",
                        "b.c",
                        "%41",
                        "%zz",
                        "%",
                        "%2",
                        "%2F",
                        "%2f",
                        "%00",
                        "%25",
                        "%C3%A9",
                        "%FF",
                        "..",
                        ".",
                        ";p",
                        "+",
                        "%20",
                        "~",
                        "!$&'()*+,;=:@")
                .list()
                .ofMinSize(1)
                .ofMaxSize(4)
                .map(segments -> String.join("/", segments));
    }

    @Provide
    Arbitrary<String> queries() {
        return Arbitraries.of(
                        "a=1",
                        "a=%zz",
                        "%",
                        "%2",
                        "%%",
                        "%41%42",
                        "=",
                        "&",
                        "a=%00",
                        "b=%C3%A9",
                        "c=%FF",
                        "+",
                        "%20",
                        "x=/?",
                        "y=%2F",
                        "z=a=b",
                        ";",
                        "!$'()*,")
                .list()
                .ofMinSize(0)
                .ofMaxSize(4)
                .map(parts -> String.join("&", parts));
    }

    @Property(tries = 300)
    void escapesInThePathAreRefusedOrPassedAndTheQueryPassesByteForByte(
            @ForAll("pathSegments") String path, @ForAll("queries") String query) throws IOException {
        String target = "/p/" + path + (query.isEmpty() ? "" : "?" + query);
        Exchange exchange = exchange("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        if (!exchange.wasForwarded()) {
            assertTrue(exchange.status() >= 400, exchange.answer());
            return;
        }
        String requestLine =
                exchange.forwarded().substring(0, exchange.forwarded().indexOf("\r\n"));
        if (!requestLine.equals("GET " + target + " HTTP/1.1")) {
            fail("sent " + target + ", the backend read: " + requestLine);
        }
    }
}
