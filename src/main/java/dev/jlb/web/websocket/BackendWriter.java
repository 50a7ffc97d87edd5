package dev.jlb.web.websocket;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.Callback;

/**
 * Writes frames to the backend one after the other (an endpoint takes one write at a time), and
 * closes the connection after a last close frame has gone out.
 */
final class BackendWriter {
    private record Write(ByteBuffer bytes, Callback callback, boolean last) {}

    private final EndPoint endPoint;
    private final ArrayDeque<Write> queue = new ArrayDeque<>();
    private boolean writing;
    private boolean ended;

    BackendWriter(EndPoint endPoint) {
        this.endPoint = endPoint;
    }

    /** Writes the bytes once those before them are written; the callback tells when they are. */
    void write(ByteBuffer bytes, Callback callback) {
        enqueue(new Write(bytes, callback, false));
    }

    /** Writes a last close frame, then closes the connection; anything written after is dropped. */
    void closeWith(ByteBuffer closeFrame) {
        enqueue(new Write(closeFrame, Callback.NOOP, true));
    }

    private void enqueue(Write write) {
        synchronized (this) {
            if (ended) {
                write.callback().failed(new java.nio.channels.ClosedChannelException());
                return;
            }
            if (write.last()) {
                ended = true;
            }
            if (writing) {
                queue.add(write);
                return;
            }
            writing = true;
        }
        send(write);
    }

    private void send(Write write) {
        endPoint.write(Callback.from(() -> written(write, null), failure -> written(write, failure)), write.bytes());
    }

    private void written(Write write, Throwable failure) {
        if (failure != null) {
            write.callback().failed(failure);
        } else {
            write.callback().succeeded();
        }
        if (write.last() || failure != null) {
            endPoint.close();
        }
        Write next;
        synchronized (this) {
            next = failure == null ? queue.poll() : null;
            if (next == null) {
                writing = false;
                if (failure != null) {
                    ended = true;
                    queue.forEach(w -> w.callback().failed(failure));
                    queue.clear();
                }
                return;
            }
        }
        send(next);
    }
}
