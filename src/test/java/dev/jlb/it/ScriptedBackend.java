package dev.jlb.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A backend on raw sockets that answers each request with the exact bytes a script gives for its
 * request line, and logs every byte it receives: what the test server would never send (interim
 * answers, an unasked-for 101), and what a proxy must pass on unchanged. {@code GET /health}
 * always passes.
 */
final class ScriptedBackend implements AutoCloseable {
    /** What to send for a request line; {@code null} sends nothing and keeps the connection open. */
    private final Function<String, String> script;

    private final ServerSocket server;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<String> closedAfter = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    ScriptedBackend(Function<String, String> script) throws IOException {
        this.script = script;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "scripted-backend");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A plain {@code 200} with the text as body. */
    static String ok(String body) {
        return "HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
    }

    String name() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    /** Every byte received so far, health checks left out, as ISO-8859-1 text. */
    String received() {
        synchronized (received) {
            return received.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /** The request lines received so far, health checks left out. */
    List<String> requestLines() {
        return List.copyOf(requests);
    }

    /** Whether the proxy closed the connection on which this was the last request line. */
    boolean connectionClosedAfter(String requestLine) {
        return closedAfter.contains(requestLine);
    }

    private void accept() {
        try {
            while (true) {
                Socket socket = server.accept();
                sockets.add(socket);
                Thread connection = new Thread(() -> serve(socket), "scripted-backend-connection");
                connection.setDaemon(true);
                connection.start();
            }
        } catch (IOException closed) {
            // stopped
        }
    }

    private void serve(Socket socket) {
        String last = null;
        try (socket;
                InputStream in = socket.getInputStream();
                OutputStream out = socket.getOutputStream()) {
            while (true) {
                ByteArrayOutputStream request = new ByteArrayOutputStream();
                String head = readHead(in, request);
                if (head == null) {
                    if (last != null) {
                        closedAfter.add(last);
                    }
                    return;
                }
                readBody(in, head, request);
                String requestLine = head.substring(0, head.indexOf("\r\n"));
                if (requestLine.startsWith("GET /health ")) {
                    out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                            .getBytes(StandardCharsets.ISO_8859_1));
                    return;
                }
                synchronized (received) {
                    request.writeTo(received);
                }
                requests.add(requestLine);
                last = requestLine;
                String answer = script.apply(requestLine);
                if (answer != null) {
                    out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                }
            }
        } catch (IOException closed) {
            if (last != null) {
                closedAfter.add(last);
            }
        }
    }

    /** Reads up to the blank line that ends a head; {@code null} at the end of the stream. */
    private static String readHead(InputStream in, ByteArrayOutputStream copy) throws IOException {
        StringBuilder head = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            copy.write(c);
            head.append((char) c);
            if (head.length() >= 4 && head.lastIndexOf("\r\n\r\n") == head.length() - 4) {
                return head.toString();
            }
        }
        return null;
    }

    private static void readBody(InputStream in, String head, ByteArrayOutputStream copy) throws IOException {
        String lower = head.toLowerCase(Locale.ROOT);
        if (lower.contains("\r\ntransfer-encoding: chunked\r\n")) {
            while (true) {
                String sizeLine = readLine(in, copy);
                int size = Integer.parseInt(sizeLine.strip(), 16);
                copy.write(in.readNBytes(size + 2));
                if (size == 0) {
                    return;
                }
            }
        }
        int at = lower.indexOf("\r\ncontent-length: ");
        if (at >= 0) {
            int end = lower.indexOf("\r\n", at + 2);
            long length = Long.parseLong(lower.substring(at + 18, end).strip());
            copy.write(in.readNBytes((int) length));
        }
    }

    private static String readLine(InputStream in, ByteArrayOutputStream copy) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            copy.write(c);
            if (c == '\n') {
                return line.toString();
            }
            line.append((char) c);
        }
        throw new SocketException("end of stream in a chunk size line");
    }

    @Override
    public void close() throws IOException {
        server.close();
        List<IOException> failures = new ArrayList<>();
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException e) {
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
    }
}
