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
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
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
 * <p>Threads: Tomcat runs each of its dispatches to this connection (data to read, room to
 * write) holding the lock of its socket, and its upgraded streams are not safe to use from two
 * threads at once (a read from a backend's thread racing the container's own read corrupts its
 * buffer). So whatever runs here on another thread (the backend's, jlb's stop) takes that same lock
 * first (see {@link #outside}); inside it, one lock per direction, always in that order.
 *
 * <p>The container makes it through its public no-argument constructor; {@link #joinTo} gives it
 * its backend before {@link #init} runs.
 */
public final class ServletTunnel implements HttpUpgradeHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ServletTunnel.class);
    /** How long the exchange of close frames may take once jlb has sent its 1001. */
    private static final long GOING_AWAY_MILLIS = 2000;

    private static final String GOING_AWAY_REASON = "jlb is shutting down";

    private BackendPipe pipe;
    private BackendWriter backend;
    private Joint joint;
    private Scheduler scheduler;
    private WebConnection connection;
    private ServletInputStream in;
    private ServletOutputStream out;
    /** Tomcat's socket under the streams, or {@code null} where it cannot be found. */
    private Object socket;
    /** Tomcat's lock of that socket; a lock of this tunnel's own where it cannot be found. */
    private Lock containerLock = new ReentrantLock();

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
        joint.onGoingAway(() -> outside(this::goAway));
        try {
            in = connection.getInputStream();
            out = connection.getOutputStream();
            findContainerSocket();
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
                outside(ServletTunnel.this::pumpToClient);
            }

            @Override
            public void onClosed(Throwable cause) {
                outside(ServletTunnel.this::backendEnded);
            }
        });
    }

    /**
     * Runs what comes from outside the container's dispatches (the backend's threads, jlb's stop)
     * as the container runs its own: holding the lock of the client's socket.
     */
    private void outside(Runnable action) {
        containerLock.lock();
        try {
            action.run();
        } finally {
            containerLock.unlock();
        }
    }

    /** Tomcat's socket wrapper under the upgraded streams, and its lock (by reflection: Tomcat's own classes). */
    private void findContainerSocket() {
        try {
            Field field = null;
            for (Class<?> type = out.getClass(); type != null && field == null; type = type.getSuperclass()) {
                try {
                    field = type.getDeclaredField("socketWrapper");
                } catch (NoSuchFieldException e) {
                    // look in the superclass
                }
            }
            if (field == null) {
                LOG.warn("jlb cannot find the container's socket under an upgraded connection: {}", out.getClass());
                return;
            }
            field.setAccessible(true);
            socket = field.get(out);
            containerLock = (Lock) socket.getClass().getMethod("getLock").invoke(socket);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("jlb cannot find the container's socket lock under an upgraded connection: {}", e.toString());
        }
    }

    // ---- client to backend -------------------------------------------------------------------

    private void pumpToBackend() {
        synchronized (fromClient) {
            try {
                while (!clientDone && !clientWriting) {
                    if (goingAway && clientFrames.atBoundary()) {
                        // Between two of the client's frames: jlb's close, and nothing more.
                        clientDone = true;
                        sendCloseToBackend();
                        return;
                    }
                    if (!in.isReady()) {
                        return;
                    }
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
                        // Up to the end of the frame under way; what follows it is dropped.
                        chunk.limit(clientFrames.advance(chunk));
                    } else {
                        advanceAll(clientFrames, chunk);
                    }
                    clientWriting = true;
                    clientWriteInline = true;
                    backend.write(
                            chunk,
                            Callback.from(
                                    () -> outside(this::writtenToBackend),
                                    failure -> outside(() -> close("backend write failed"))));
                    clientWriteInline = false;
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

    /**
     * Relays the backend's bytes while the client's output is ready; Tomcat throws when written
     * to otherwise, and calls {@code onWritePossible} (which comes back here) once it is.
     */
    private void pumpToClient() {
        synchronized (fromBackend) {
            try {
                while (!backendDone) {
                    if (goingAway && backendFrames.atBoundary()) {
                        // Between two of the backend's frames: jlb's close, and nothing more.
                        if (!out.isReady()) {
                            return;
                        }
                        sendCloseToClient(Frames.GOING_AWAY, GOING_AWAY_REASON);
                        backendDone = true;
                        return;
                    }
                    if (fromBackend.hasRemaining()) {
                        if (!out.isReady()) {
                            return;
                        }
                        int length;
                        if (goingAway) {
                            // Up to the end of the frame under way.
                            length = backendFrames.advance(fromBackend);
                        } else {
                            advanceAll(backendFrames, fromBackend);
                            length = fromBackend.remaining();
                        }
                        writeToClient(length);
                        continue;
                    }
                    fromBackend.limit(0);
                    int filled = pipe.fill(fromBackend);
                    if (filled == 0) {
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
                        if (goingAway) {
                            // jlb's own close to the backend ended it: the client gets jlb's 1001.
                            sendCloseToClient(Frames.GOING_AWAY, GOING_AWAY_REASON);
                        } else {
                            // The backend dropped the connection without closing the WebSocket.
                            sendCloseToClient(Frames.SERVER_ERROR, "backend closed the connection");
                        }
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
        pumpToBackend();
        var unused =
                scheduler.schedule(() -> outside(() -> close("going away")), GOING_AWAY_MILLIS, TimeUnit.MILLISECONDS);
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
        if (socket == null) {
            return;
        }
        try {
            socket.getClass().getMethod("registerWriteInterest").invoke(socket);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("could not wake the container to close the client's connection", e);
        }
    }

    @Override
    public void destroy() {
        close("container destroyed the connection");
    }
}
