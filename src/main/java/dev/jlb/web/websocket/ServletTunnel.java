package dev.jlb.web.websocket;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.WebConnection;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's side in Tomcat: the Servlet API's own upgrade, joined byte for byte to the
 * backend's connection (so frames, extensions and all pass as they are). The client is read only
 * once the previous bytes are written to the backend, and the backend only once the client's
 * output is ready again: backpressure both ways, one buffer per direction.
 *
 * <p>The container makes it through its public no-argument constructor; {@link #joinTo} gives it
 * its backend before {@link #init} runs.
 */
public final class ServletTunnel implements HttpUpgradeHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ServletTunnel.class);
    /** How long the exchange of close frames may take once jlb has sent its 1001. */
    private static final long GOING_AWAY_MILLIS = 2000;

    private BackendPipe pipe;
    private BackendWriter backend;
    private Joint joint;
    private Scheduler scheduler;
    private WebConnection connection;
    private ServletInputStream in;
    private ServletOutputStream out;

    private final byte[] fromClient = new byte[16 * 1024];
    private final FrameBoundaries clientFrames = new FrameBoundaries();
    private boolean clientWriting;
    private boolean clientWriteInline;
    private boolean clientDone;

    private final ByteBuffer fromBackend = ByteBuffer.allocate(16 * 1024).flip();
    private final FrameBoundaries backendFrames = new FrameBoundaries();
    private boolean backendDone;

    private volatile boolean goingAway;
    private boolean closeSentToClient;
    private boolean closeSentToBackend;
    private boolean closed;

    void joinTo(BackendPipe pipe, Joint joint, Scheduler scheduler) {
        this.pipe = pipe;
        this.backend = new BackendWriter(pipe.getEndPoint());
        this.joint = joint;
        this.scheduler = scheduler;
    }

    @Override
    public void init(WebConnection connection) {
        this.connection = connection;
        if (pipe == null) {
            close("no backend");
            return;
        }
        joint.onGoingAway(this::goAway);
        try {
            in = connection.getInputStream();
            out = connection.getOutputStream();
            out.setWriteListener(new WriteListener() {
                @Override
                public void onWritePossible() {
                    pumpToClient();
                }

                @Override
                public void onError(Throwable failure) {
                    close("client write failed: " + failure);
                }
            });
            in.setReadListener(new ReadListener() {
                @Override
                public void onDataAvailable() {
                    pumpToBackend();
                }

                @Override
                public void onAllDataRead() {
                    clientEnded();
                }

                @Override
                public void onError(Throwable failure) {
                    // Tomcat reports the end of the client's stream as an EOFException here.
                    clientEnded();
                }
            });
        } catch (IOException | RuntimeException e) {
            close("client streams: " + e);
            return;
        }
        pipe.start(new BackendPipe.Reader() {
            @Override
            public void onReadable() {
                pumpToClient();
            }

            @Override
            public void onClosed(Throwable cause) {
                backendEnded();
            }
        });
    }

    // ---- client to backend -------------------------------------------------------------------

    private void pumpToBackend() {
        synchronized (fromClient) {
            try {
                while (!clientDone && !clientWriting && in.isReady()) {
                    int n = in.read(fromClient);
                    if (n < 0) {
                        clientEnded();
                        return;
                    }
                    if (n == 0) {
                        continue;
                    }
                    ByteBuffer chunk = ByteBuffer.wrap(fromClient, 0, n);
                    if (goingAway) {
                        // Up to the end of the frame under way, then jlb's close, then nothing more.
                        int part = clientFrames.atBoundary() ? 0 : clientFrames.advance(chunk);
                        chunk.limit(part);
                        clientDone = true;
                    } else {
                        advanceAll(clientFrames, chunk);
                    }
                    clientWriting = true;
                    clientWriteInline = true;
                    backend.write(
                            chunk, Callback.from(this::writtenToBackend, failure -> close("backend write failed")));
                    clientWriteInline = false;
                    if (clientDone) {
                        sendCloseToBackend();
                    }
                }
            } catch (IOException | RuntimeException e) {
                close("client read failed: " + e);
            }
        }
    }

    private void writtenToBackend() {
        synchronized (fromClient) {
            clientWriting = false;
            if (clientWriteInline) {
                return;
            }
        }
        pumpToBackend();
    }

    private void clientEnded() {
        synchronized (fromClient) {
            if (clientDone) {
                return;
            }
            clientDone = true;
        }
        pipe.getEndPoint().shutdownOutput();
        synchronized (fromBackend) {
            if (backendDone) {
                close("both ended");
            }
        }
    }

    private void sendCloseToBackend() {
        synchronized (this) {
            if (closeSentToBackend) {
                return;
            }
            closeSentToBackend = true;
        }
        backend.closeWith(Frames.masked(Frames.CLOSE, true, Frames.closePayload(Frames.GOING_AWAY, "")));
    }

    // ---- backend to client -------------------------------------------------------------------

    private void pumpToClient() {
        synchronized (fromBackend) {
            try {
                while (!backendDone) {
                    if (fromBackend.hasRemaining()) {
                        if (!out.isReady()) {
                            return;
                        }
                        if (goingAway && !closeSentToClient) {
                            int part = backendFrames.atBoundary() ? 0 : backendFrames.advance(fromBackend);
                            writeToClient(part);
                            if (!backendFrames.atBoundary()) {
                                continue;
                            }
                            sendCloseToClient(Frames.GOING_AWAY, "jlb is shutting down");
                            backendDone = true;
                            return;
                        }
                        advanceAll(backendFrames, fromBackend);
                        writeToClient(fromBackend.remaining());
                        continue;
                    }
                    fromBackend.limit(0);
                    int filled = pipe.fill(fromBackend);
                    if (filled == 0) {
                        if (goingAway && !closeSentToClient && backendFrames.atBoundary() && out.isReady()) {
                            sendCloseToClient(Frames.GOING_AWAY, "jlb is shutting down");
                            backendDone = true;
                            return;
                        }
                        pipe.awaitBytes();
                        return;
                    }
                    if (filled < 0) {
                        backendEnded();
                        return;
                    }
                }
            } catch (IOException | RuntimeException e) {
                close("relay to client failed: " + e);
            }
        }
    }

    private void writeToClient(int length) throws IOException {
        if (length > 0) {
            out.write(fromBackend.array(), fromBackend.arrayOffset() + fromBackend.position(), length);
            fromBackend.position(fromBackend.position() + length);
            if (out.isReady()) {
                out.flush();
            }
        }
    }

    /** An unmasked close frame of jlb's own, written between two of the backend's frames. */
    private void sendCloseToClient(int code, String reason) throws IOException {
        closeSentToClient = true;
        ByteBuffer payload = Frames.closePayload(code, reason);
        byte[] frame = new byte[2 + payload.remaining()];
        frame[0] = (byte) (0x80 | Frames.CLOSE);
        frame[1] = (byte) payload.remaining();
        payload.get(frame, 2, payload.remaining());
        out.write(frame);
        if (out.isReady()) {
            out.flush();
        }
    }

    private void backendEnded() {
        synchronized (fromBackend) {
            if (backendDone && closed) {
                return;
            }
            if (!backendDone && !backendFrames.sawClose() && backendFrames.atBoundary() && !closeSentToClient) {
                try {
                    if (out.isReady()) {
                        // The backend dropped the connection without closing the WebSocket.
                        sendCloseToClient(Frames.SERVER_ERROR, "backend closed the connection");
                    }
                } catch (IOException | RuntimeException e) {
                    LOG.debug("could not tell the client that the backend closed", e);
                }
            }
            backendDone = true;
        }
        close("backend ended");
    }

    // ---- both --------------------------------------------------------------------------------

    private static void advanceAll(FrameBoundaries frames, ByteBuffer chunk) {
        ByteBuffer view = chunk.duplicate();
        while (view.hasRemaining()) {
            view.position(view.position() + frames.advance(view));
        }
    }

    /** jlb is stopping: 1001 to both sides, each between two frames, then the connections close. */
    private void goAway() {
        goingAway = true;
        pumpToClient();
        synchronized (fromClient) {
            if (!clientWriting && clientFrames.atBoundary()) {
                clientDone = true;
                sendCloseToBackend();
            }
        }
        var unused = scheduler.schedule(() -> close("going away"), GOING_AWAY_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void close(String why) {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("WebSocket tunnel closing: {}", why);
        }
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (Exception e) {
            LOG.debug("closing the client connection", e);
        }
        if (pipe != null) {
            pipe.getEndPoint().close();
        }
        wakeContainer();
        if (joint != null) {
            joint.ended();
        }
    }

    /**
     * Tomcat closes an upgraded socket that the application closed only when it next dispatches
     * on it; when the close came from another thread (the backend's), nothing would, and the client
     * would hang. Registering interest in writing makes Tomcat dispatch at once.
     */
    private void wakeContainer() {
        if (out == null) {
            return;
        }
        try {
            Field field = null;
            for (Class<?> type = out.getClass(); type != null && field == null; type = type.getSuperclass()) {
                try {
                    field = type.getDeclaredField("socketWrapper");
                } catch (NoSuchFieldException e) {
                    // look in the superclass
                }
            }
            if (field != null) {
                field.setAccessible(true);
                Object socket = field.get(out);
                socket.getClass().getMethod("registerWriteInterest").invoke(socket);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("could not wake the container to close the client's connection", e);
        }
    }

    @Override
    public void destroy() {
        close("container destroyed the connection");
    }
}
