package dev.jlb.it;

import static dev.jlb.it.RunningBalancer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jlb.testserver.TestServer;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A gibibyte each way through jlb started with a 64 MiB heap: bodies stream, they are never held
 * whole, and they arrive intact (checked by hash on the other side).
 */
class BoundedMemoryIT {
    private static final long GIB = 1L << 30;
    private static final int CHUNK = 64 * 26 * 39;

    /** The test server's filler, chunk after chunk: what it sends for ?size=N, and what this test uploads. */
    private static final byte[] FILLER = TestServer.filler(CHUNK);

    private static String fillerSha256(long size) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        for (long done = 0; done < size; done += CHUNK) {
            digest.update(FILLER, 0, (int) Math.min(CHUNK, size - done));
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** A request body of {@code size} filler bytes, produced as it is sent. */
    private static HttpRequest.BodyPublisher filler(long size) {
        Supplier<InputStream> stream = () -> new InputStream() {
            private long position;

            @Override
            public int read() {
                return position < size ? FILLER[(int) (position++ % CHUNK)] : -1;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                if (position >= size) {
                    return -1;
                }
                int start = (int) (position % CHUNK);
                int n = (int) Math.min(Math.min(length, CHUNK - start), size - position);
                System.arraycopy(FILLER, start, buffer, offset, n);
                position += n;
                return n;
            }
        };
        return HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(stream), size);
    }

    @Test
    void aGibibyteUploadAndDownloadPassThroughA64MiBHeapIntact() throws Exception {
        String expected = fillerSha256(GIB);
        try (Backends backends = Backends.start(1)) {
            int port = JlbProcess.freePort();
            try (JlbProcess jlb = JlbProcess.start(
                    List.of("-Xmx64m"),
                    Map.of(),
                    "-p",
                    String.valueOf(port),
                    "-b",
                    backends.get(0).name(),
                    "--backend-timeout",
                    "60")) {
                jlb.awaitLog(line -> line.contains("jlb listening"));

                long start = System.nanoTime();
                HttpResponse<String> upload = Http.send(HttpRequest.newBuilder(ContainerChecks.uri(port, "/upload"))
                        .timeout(java.time.Duration.ofMinutes(5))
                        .POST(filler(GIB))
                        .build());
                long uploadMillis = (System.nanoTime() - start) / 1_000_000;
                assertEquals(200, upload.statusCode(), upload.body());
                assertEquals(GIB, json(upload).getJsonNumber("body_bytes").longValue());
                assertEquals(expected, json(upload).getString("body_sha256"));

                start = System.nanoTime();
                HttpResponse<InputStream> download = Http.CLIENT.send(
                        HttpRequest.newBuilder(ContainerChecks.uri(port, "/download?size=" + GIB))
                                .timeout(java.time.Duration.ofMinutes(5))
                                .build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                assertEquals(200, download.statusCode());
                MessageDigest digest = MessageDigest.getInstance("SHA-256");
                long received = 0;
                try (InputStream in = download.body()) {
                    byte[] buffer = new byte[1 << 16];
                    int read;
                    while ((read = in.read(buffer)) >= 0) {
                        digest.update(buffer, 0, read);
                        received += read;
                    }
                }
                long downloadMillis = (System.nanoTime() - start) / 1_000_000;
                assertEquals(GIB, received);
                assertEquals(expected, HexFormat.of().formatHex(digest.digest()));
                System.out.println("1 GiB through jlb -Xmx64m: upload " + uploadMillis + " ms, download "
                        + downloadMillis + " ms");
                assertEquals(true, jlb.isAlive(), "jlb died: " + jlb.output());
                assertEquals(false, jlb.output().stream().anyMatch(line -> line.contains("OutOfMemoryError")));
            }
        }
    }
}
