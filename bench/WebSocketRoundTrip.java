import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;

/**
 * WebSocket echo round trips on one connection, one message at a time: the JDK's client sends a
 * short text and waits for its echo. Prints p50, p99 and the mean in microseconds.
 *
 *   java bench/WebSocketRoundTrip.java ws://127.0.0.1:9301/ws WARMUP_SECONDS COUNT
 */
public class WebSocketRoundTrip {
    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        long warmupNanos = TimeUnit.SECONDS.toNanos(Long.parseLong(args[1]));
        int count = Integer.parseInt(args[2]);
        SynchronousQueue<String> echoes = new SynchronousQueue<>();
        WebSocket socket = HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .buildAsync(uri, new WebSocket.Listener() {
                    private final StringBuilder text = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            try {
                                echoes.put(text.toString());
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            text.setLength(0);
                        }
                        webSocket.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
                        webSocket.request(1);
                        return null;
                    }
                })
                .get(10, TimeUnit.SECONDS);
        String message = "x".repeat(64);
        long warmupEnd = System.nanoTime() + warmupNanos;
        while (System.nanoTime() < warmupEnd) {
            socket.sendText(message, true).join();
            echoes.take();
        }
        long[] nanos = new long[count];
        for (int i = 0; i < count; i++) {
            long start = System.nanoTime();
            socket.sendText(message, true).join();
            echoes.take();
            nanos[i] = System.nanoTime() - start;
        }
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
        Arrays.sort(nanos);
        System.out.printf(
                "%.1f %.1f %.1f%n",
                nanos[count / 2] / 1e3,
                nanos[count * 99 / 100] / 1e3,
                Arrays.stream(nanos).average().orElse(0) / 1e3);
    }
}
