package dev.jlb.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A listener whose accept queue is full: new connections to it are neither accepted nor refused,
 * so a connect attempt waits until it times out, as with a host that has vanished.
 */
final class BlackholeBackend implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket> fillers = new ArrayList<>();

    BlackholeBackend() throws IOException {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        // Linux queues backlog + 1 connections; the next handshakes go unanswered.
        for (int i = 0; i < 4; i++) {
            Socket filler = new Socket();
            try {
                filler.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), 200);
                fillers.add(filler);
            } catch (IOException timedOut) {
                filler.close();
                break;
            }
        }
    }

    String name() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        for (Socket filler : fillers) {
            filler.close();
        }
        server.close();
    }
}
