package dev.jlb.web.websocket;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.IteratingCallback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Frame;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins a client's WebSocket, held by Jetty's WebSocket API at the frame level, with the
 * backend's raw connection. Each client frame goes to the backend as it came (masked anew), and
 * the next is asked for only once it is written; each backend frame goes to the client piece by
 * piece, and the backend is read again only once the piece is sent. So a slow reader on either
 * side slows the other's sender, and memory stays at one buffer per direction.
 */
public final class JettyFrameRelay implements Session.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(JettyFrameRelay.class);
    /** How long a client's close waits for the backend's answer before Jetty answers it itself. */
    private static final long CLOSE_WAIT_MILLIS = 5000;

    private final BackendPipe pipe;
    private final BackendWriter backend;
    private final Joint joint;
    private final Duration idleTimeout;
    private final Scheduler scheduler;
    private final BackendToClient fromBackend = new BackendToClient();
    private volatile Session session;
    /** The backend sent its close frame (or is gone): what the client sends next is the end. */
    private volatile boolean backendClosed;

    private volatile boolean closeSentToBackend;
    /** The client's close frame, held until the backend answers it. */
    private volatile Callback clientClose;

    JettyFrameRelay(BackendPipe pipe, Joint joint, Duration idleTimeout, Scheduler scheduler) {
        this.scheduler = scheduler;
        this.pipe = pipe;
        this.backend = new BackendWriter(pipe.getEndPoint());
        this.joint = joint;
        this.idleTimeout = idleTimeout;
    }

    @Override
    public void onWebSocketOpen(Session session) {
        this.session = session;
        session.setIdleTimeout(idleTimeout);
        // A graceful stop cuts every connection's idle timeout to a second (Jetty's
        // shutdownIdleTimeout); a WebSocket is to run on until the grace is over, then get 1001.
        session.addIdleTimeoutListener(timeout -> !joint.isStopping());
        pipe.getEndPoint().setIdleTimeout(idleTimeout.toMillis());
        joint.onGoingAway(this::goAway);
        pipe.start(fromBackend);
        session.demand();
    }

    // ---- client to backend -------------------------------------------------------------------

    @Override
    public void onWebSocketFrame(Frame frame, Callback callback) {
        int opcode = frame.getOpCode();
        ByteBuffer payload = frame.hasPayload() ? frame.getPayload() : ByteBuffer.allocate(0);
        ByteBuffer bytes = Frames.masked(opcode, frame.isFin(), payload);
        if (opcode == Frames.CLOSE) {
            closeSentToBackend = true;
            if (backendClosed) {
                // The client answers the backend's close: the last frame either way.
                backend.closeWith(bytes);
                callback.succeed();
                return;
            }
            // The client begins the close: the backend's answer is what the client is to get.
            clientClose = callback;
            backend.write(bytes, org.eclipse.jetty.util.Callback.NOOP);
            var unused = scheduler.schedule(this::releaseClientClose, CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            return;
        }
        backend.write(
                bytes,
                org.eclipse.jetty.util.Callback.from(
                        () -> {
                            callback.succeed();
                            session.demand();
                        },
                        failure -> {
                            callback.fail(failure);
                            session.close(Frames.SERVER_ERROR, "backend write failed", Callback.NOOP);
                        }));
    }

    /** Lets Jetty answer the client's close itself: the backend did not in time. */
    private void releaseClientClose() {
        Callback held = clientClose;
        clientClose = null;
        if (held != null) {
            held.succeed();
        }
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("client WebSocket failed", cause);
        }
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason, Callback callback) {
        if (!closeSentToBackend) {
            closeSentToBackend = true;
            // The client went away without a close of its own (dropped, timed out, jlb stopping).
            backend.closeWith(Frames.masked(Frames.CLOSE, true, Frames.closePayload(Frames.GOING_AWAY, "")));
        } else if (backendClosed) {
            pipe.getEndPoint().close();
        }
        releaseClientClose();
        joint.ended();
        callback.succeed();
    }

    /** jlb is stopping: 1001 to both sides. */
    private void goAway() {
        Session current = session;
        if (current != null) {
            current.close(Frames.GOING_AWAY, "jlb is shutting down", Callback.NOOP);
        }
    }

    // ---- backend to client -------------------------------------------------------------------

    /** Reads the backend only while the previous piece has been sent to the client. */
    private final class BackendToClient extends IteratingCallback implements BackendPipe.Reader {
        private final ByteBuffer buffer = ByteBuffer.allocate(16 * 1024).flip();
        private final FrameDecoder decoder = new FrameDecoder();
        private final Utf8Pieces text = new Utf8Pieces();
        private int messageOpcode = -1;
        private volatile boolean done;

        @Override
        public void onReadable() {
            iterate();
        }

        @Override
        public void onClosed(Throwable cause) {
            if (!backendClosed) {
                backendLost();
            }
            done = true;
            iterate();
        }

        @Override
        protected Action process() throws Throwable {
            while (!done) {
                FrameDecoder.Piece piece;
                try {
                    piece = decoder.next(buffer);
                } catch (FrameDecoder.ProtocolException e) {
                    protocolError(e);
                    return Action.SUCCEEDED;
                }
                if (piece != null) {
                    try {
                        if (send(piece)) {
                            return Action.SCHEDULED;
                        }
                    } catch (FrameDecoder.ProtocolException e) {
                        protocolError(e);
                        return Action.SUCCEEDED;
                    }
                    continue;
                }
                buffer.limit(0);
                int filled = pipe.fill(buffer);
                if (filled == 0) {
                    pipe.awaitBytes();
                    return Action.IDLE;
                }
                if (filled < 0) {
                    if (!backendClosed) {
                        backendLost();
                    }
                    return Action.SUCCEEDED;
                }
            }
            return Action.SUCCEEDED;
        }

        /** Sends one piece to the client; true when it was (and this waits for its callback). */
        private boolean send(FrameDecoder.Piece piece) throws FrameDecoder.ProtocolException {
            Session client = session;
            int opcode = piece.opcode();
            switch (opcode) {
                case Frames.TEXT, Frames.BINARY, Frames.CONTINUATION -> {
                    if (piece.frameStart()) {
                        if (opcode == Frames.CONTINUATION) {
                            if (messageOpcode < 0) {
                                throw new FrameDecoder.ProtocolException(
                                        Frames.PROTOCOL_ERROR, "continuation of no message");
                            }
                        } else if (messageOpcode >= 0) {
                            throw new FrameDecoder.ProtocolException(
                                    Frames.PROTOCOL_ERROR, "a new message inside another");
                        } else {
                            messageOpcode = opcode;
                        }
                    }
                    boolean last = piece.endsMessage();
                    int type = messageOpcode;
                    if (last) {
                        messageOpcode = -1;
                    }
                    if (type == Frames.TEXT) {
                        client.sendPartialText(text.decode(piece.data(), last), last, callback());
                    } else {
                        client.sendPartialBinary(piece.data(), last, callback());
                    }
                }
                case Frames.PING -> client.sendPing(piece.data(), callback());
                case Frames.PONG -> client.sendPong(piece.data(), callback());
                default -> {
                    backendClosed = true;
                    done = true;
                    int code = Frames.closeCode(piece.data());
                    String reason = Frames.closeReason(piece.data());
                    Callback held = clientClose;
                    clientClose = null;
                    Callback after = held == null
                            ? callback()
                            : Callback.from(
                                    () -> {
                                        held.succeed();
                                        succeeded();
                                    },
                                    failure -> {
                                        held.succeed();
                                        failed(failure);
                                    });
                    try {
                        client.close(code, reason, after);
                    } catch (RuntimeException e) {
                        // A code the client may not be sent (1006, 1015): the backend failed.
                        client.close(Frames.SERVER_ERROR, reason, after);
                    }
                    if (held != null) {
                        // The exchange of close frames is complete: the backend's connection is done.
                        pipe.getEndPoint().close();
                    }
                }
            }
            return true;
        }

        private Callback callback() {
            return Callback.from(this::succeeded, this::failed);
        }

        private void protocolError(FrameDecoder.ProtocolException e) {
            LOG.debug("backend broke the WebSocket protocol: {}", e.getMessage());
            backendClosed = true;
            backend.closeWith(Frames.masked(Frames.CLOSE, true, Frames.closePayload(e.code(), e.getMessage())));
            session.close(Frames.SERVER_ERROR, "backend error", Callback.NOOP);
        }

        /** The backend's connection ended without a close frame. */
        private void backendLost() {
            backendClosed = true;
            closeSentToBackend = true;
            Session client = session;
            if (client != null) {
                client.close(Frames.SERVER_ERROR, "backend closed the connection", Callback.NOOP);
            }
            releaseClientClose();
        }

        @Override
        protected void onCompleteFailure(Throwable cause) {
            // The client could not be sent a piece: it is gone; Jetty reports its close.
            pipe.getEndPoint().close(cause);
        }
    }
}
