package dev.jlb.web.websocket;

import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.BufferUtil;

/**
 * The backend's connection once it has answered 101: raw bytes, read only when the side that
 * writes them to the client asks for more (which is the backpressure toward the backend).
 * HttpClient installs it in place of its HTTP/1.1 connection, handing over any bytes that came
 * with the 101.
 */
final class BackendPipe extends AbstractConnection implements Connection.UpgradeTo {
    /** What reads the pipe: told when bytes may be there, and when the connection is gone. */
    interface Reader {
        void onReadable();

        void onClosed(Throwable cause);
    }

    private volatile Reader reader;
    private ByteBuffer early;

    BackendPipe(EndPoint endPoint, Executor executor) {
        super(endPoint, executor);
    }

    /** Bytes that arrived with the 101 belong to the old connection's buffer: copied here. */
    @Override
    public void onUpgradeTo(ByteBuffer buffer) {
        if (buffer != null && buffer.hasRemaining()) {
            early = ByteBuffer.allocate(buffer.remaining()).put(buffer).flip();
        }
    }

    /** Starts reading: {@link Reader#onReadable} is called now and whenever bytes may be there. */
    void start(Reader reader) {
        this.reader = reader;
        reader.onReadable();
    }

    /**
     * Appends what is there to the buffer, as {@link EndPoint#fill} does (the buffer is in flush
     * mode: the bytes go after its limit); 0 when nothing is, -1 at the end of the stream.
     */
    int fill(ByteBuffer buffer) throws java.io.IOException {
        ByteBuffer pending = early;
        if (pending != null) {
            int n = BufferUtil.append(buffer, pending);
            if (!pending.hasRemaining()) {
                early = null;
            }
            return n;
        }
        return getEndPoint().fill(buffer);
    }

    /**
     * Asks to be told by {@link Reader#onReadable} when bytes arrive, unless that is asked
     * already: a reader may come here from both of its sides (in Tomcat, the client's output
     * turning ready and the backend's bytes), and a second registration would fail with
     * {@code ReadPendingException}. The callers hold their reader's lock, so checking and asking
     * happen together.
     */
    void awaitBytes() {
        if (!isFillInterested()) {
            fillInterested();
        }
    }

    @Override
    public void onFillable() {
        Reader current = reader;
        if (current != null) {
            current.onReadable();
        }
    }

    /** A read failed or timed out (an idle joined WebSocket is closed, as by HAProxy's {@code timeout tunnel}). */
    @Override
    public void onFillInterestedFailed(Throwable cause) {
        Reader current = reader;
        if (current != null) {
            current.onClosed(cause);
        }
        getEndPoint().close(cause);
    }

    @Override
    public void onClose(Throwable cause) {
        super.onClose(cause);
        Reader current = reader;
        if (current != null) {
            current.onClosed(cause);
        }
    }
}
