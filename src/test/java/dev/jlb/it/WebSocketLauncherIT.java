package dev.jlb.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * WebSockets through the launcher as an operator runs it: a slow reader of a gibibyte with jlb
 * on a 64 MiB heap (the backend is slowed, not jlb's memory filled), and a stop that lets open
 * WebSockets run for the shutdown grace and then closes them with 1001.
 */
class WebSocketLauncherIT {
    private static final long GIB = 1L << 30;

    /** The process's peak resident memory, in KiB, from /proc. */
    private static long peakRssKib(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new AssertionError("no VmHWM for " + pid);
    }

    @Test
    void aSlowReaderSlowsTheBackendAndAGibibytePassesA64MiBHeap() throws Exception {
        try (Backends backends = Backends.start(1)) {
            int port = JlbProcess.freePort();
            try (JlbProcess jlb = JlbProcess.start(
                    List.of("-Xmx64m", "-XX:+ExitOnOutOfMemoryError"),
                    Map.of(),
                    "-p",
                    String.valueOf(port),
                    "-b",
                    backends.get(0).name())) {
                jlb.awaitLog(line -> line.contains("jlb listening"));
                try (WsClient client = WsClient.open(
                        URI.create("ws://127.0.0.1:" + port + "/ws?send_bytes=" + GIB), false, false, List.of())) {
                    // Reading nothing: the backend can get only as far ahead as the buffers on the way hold.
                    client.request(1);
                    await().atMost(Duration.ofSeconds(20))
                            .until(() -> backends.get(0).webSocketBytesSent() > 0);
                    await().during(Duration.ofSeconds(2))
                            .atMost(Duration.ofSeconds(5))
                            .until(() -> backends.get(0).webSocketBytesSent() < 64L * 1024 * 1024);

                    long start = System.nanoTime();
                    client.readAll();
                    await().atMost(Duration.ofMinutes(2))
                            .conditionEvaluationListener(condition -> System.out.println("received "
                                    + client.bytesReceived.get() + ", backend sent "
                                    + backends.get(0).webSocketBytesSent() + ", jlb alive " + jlb.isAlive()))
                            .pollInterval(Duration.ofSeconds(1))
                            .until(() -> client.bytesReceived.get() == GIB);
                    long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
                    assertTrue(jlb.isAlive(), "jlb survived: " + jlb.stderr());
                    System.out.printf(
                            "WebSocket slow reader: 1 GiB in %d ms through jlb (-Xmx64m), jlb peak RSS %d MiB%n",
                            millis, peakRssKib(jlb.pid()) / 1024);
                }
            }
        }
    }

    @Test
    void aStopLetsWebSocketsRunForTheGraceThenCloses1001() throws Exception {
        try (Backends backends = Backends.start(1)) {
            int port = JlbProcess.freePort();
            try (JlbProcess jlb = JlbProcess.start(
                    "-p", String.valueOf(port), "-b", backends.get(0).name(), "--shutdown-grace", "2")) {
                jlb.awaitLog(line -> line.contains("jlb listening"));
                try (WsClient client = WsClient.open(URI.create("ws://127.0.0.1:" + port + "/ws"))) {
                    client.socket.sendText("before", true).get(10, TimeUnit.SECONDS);
                    assertEquals("before", client.nextText());

                    long stop = System.nanoTime();
                    jlb.signalTerm();
                    // Still joined while the grace runs.
                    client.socket.sendText("during", true).get(10, TimeUnit.SECONDS);
                    assertEquals("during", client.nextText());

                    WsClient.Closed closed = client.closed.get(15, TimeUnit.SECONDS);
                    long afterMillis =
                            Duration.ofNanos(System.nanoTime() - stop).toMillis();
                    assertEquals(1001, closed.code(), closed.toString());
                    assertTrue(afterMillis >= 1900, "closed " + afterMillis + " ms after the stop, before the grace");
                    assertEquals(0, jlb.awaitExit(Duration.ofSeconds(20)));
                }
            }
        }
    }
}
