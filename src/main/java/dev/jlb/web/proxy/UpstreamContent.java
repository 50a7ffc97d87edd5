package dev.jlb.web.proxy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.client.AsyncRequestContent;
import org.eclipse.jetty.client.ByteBufferRequestContent;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.util.Callback;

/**
 * The request body on its way to the backend.
 *
 * <p>A body that fits in the retry buffer is read whole before the request goes out, as nginx
 * and HAProxy can do: the backend's connection is not held while a slow client uploads, and the
 * body can be replayed to another backend if the first cannot be reached. A larger body streams
 * on once the buffer is full, and cannot be replayed.
 *
 * <p>When the backend side fails (HttpClient fails this content), the rest of the client's body
 * is read and discarded rather than left unread: a client still uploading would otherwise see
 * its connection reset before it could read the 502. The error waits for the end of the body,
 * or for {@link #DISCARD_LIMIT} bytes, whichever comes first (nginx's lingering close does the
 * same).
 *
 * <p>Writes come from the one thread at a time that reads the client's body; the fields are
 * volatile for the threads that look at them after a failure.
 */
final class UpstreamContent extends AsyncRequestContent {
    /** How much of a client's body is read and thrown away, at most, before its error is sent. */
    static final long DISCARD_LIMIT = 4L * 1024 * 1024;

    private final int bufferSize;
    private volatile byte[] copy;
    private volatile int length;
    private volatile boolean buffering;
    private volatile boolean complete;
    private volatile boolean tooLarge;
    private volatile boolean failed;
    private volatile long discarded;
    private volatile boolean bodyEnded;
    private volatile boolean reading;
    private Runnable whenReady;
    private final AtomicReference<Runnable> whenBodyRead = new AtomicReference<>();

    private final long expectedLength;

    /**
     * @param bufferSize     the largest body read whole and kept for replay; 0 streams at once
     * @param expectedLength the body's Content-Length, or -1 if it has none
     */
    UpstreamContent(int bufferSize, long expectedLength) {
        this.bufferSize = bufferSize;
        this.expectedLength = expectedLength;
        this.buffering = bufferSize > 0;
        this.tooLarge = bufferSize <= 0;
    }

    /**
     * Runs the action (sending the request) once the body is complete or too large to be kept:
     * at once if it already is.
     */
    void whenReadyToSend(Runnable action) {
        if (buffering) {
            whenReady = action;
        } else {
            action.run();
        }
    }

    @Override
    public void write(boolean last, ByteBuffer buffer, Callback callback) {
        reading = true;
        if (failed) {
            discard(buffer, last, callback);
            return;
        }
        if (!buffering) {
            super.write(last, buffer, new DiscardOnFailure(callback));
            return;
        }
        int bytes = buffer.remaining();
        int total = length + bytes;
        if (total > bufferSize) {
            tooLarge = true;
            release();
            super.write(last, buffer, new DiscardOnFailure(callback));
            return;
        }
        keep(buffer, bytes, total);
        // The bytes are copied: the reader may reuse its buffer at once.
        callback.succeeded();
        if (last) {
            complete = true;
            release();
            super.close();
        }
    }

    @Override
    public void close() {
        complete = true;
        if (failed) {
            bodyRead();
            return;
        }
        if (buffering) {
            release();
        }
        super.close();
    }

    private void keep(ByteBuffer buffer, int bytes, int total) {
        byte[] kept = copy;
        if (kept == null || total > kept.length) {
            // A body of known length that fits is kept in one array of its size, grown never.
            int first = expectedLength > 0 && expectedLength <= bufferSize ? (int) expectedLength : 4096;
            int size = Math.min(bufferSize, Math.max(total, kept == null ? first : kept.length * 2));
            kept = kept == null ? new byte[size] : Arrays.copyOf(kept, size);
        }
        buffer.get(kept, length, bytes);
        copy = kept;
        length = total;
    }

    /** Ends buffering: what was kept goes out first, then the request may be sent. */
    private void release() {
        buffering = false;
        if (length > 0) {
            super.write(false, ByteBuffer.wrap(copy, 0, length), Callback.NOOP);
        }
        Runnable action = whenReady;
        whenReady = null;
        if (action != null) {
            action.run();
        }
    }

    // Only the one thread reading the client's body writes (see the class comment); others only read.
    @SuppressWarnings("NonAtomicVolatileUpdate")
    private void discard(ByteBuffer buffer, boolean last, Callback callback) {
        discarded += buffer.remaining();
        buffer.position(buffer.limit());
        callback.succeeded();
        if (last) {
            complete = true;
        }
        if (last || discarded > DISCARD_LIMIT) {
            bodyRead();
        }
    }

    /** The whole body again, for a new request to another backend, or {@code null} if it was not kept whole. */
    Request.Content replay(String contentType) {
        if (!complete || tooLarge) {
            return null;
        }
        byte[] kept = copy;
        return new ByteBufferRequestContent(
                contentType, kept == null ? ByteBuffer.allocate(0) : ByteBuffer.wrap(kept, 0, length));
    }

    /**
     * Runs the action (the error answer) once the client's body has been read to its end, or to
     * the discard limit, or has failed: at once if that is already so.
     */
    void whenClientBodyRead(Runnable action) {
        whenBodyRead.set(action);
        if (isClientBodyRead()) {
            bodyRead();
        }
    }

    /** The client's body ended, or failed: whatever waited for it goes on, once. */
    void bodyRead() {
        bodyEnded = true;
        Runnable action = whenBodyRead.getAndSet(null);
        if (action != null) {
            action.run();
        }
    }

    /**
     * Whether nothing more of the client's body is to be waited for: it ended, failed, was
     * discarded up to the limit, or was never read at all (an {@code Expect: 100-continue} request
     * whose backend could not be reached: its client sends no body until told to).
     */
    boolean isClientBodyRead() {
        return !reading || bodyEnded || complete || discarded > DISCARD_LIMIT;
    }

    @Override
    public void fail(Throwable failure) {
        failed = true;
        super.fail(failure);
    }

    @Override
    public void fail(Throwable failure, boolean last) {
        failed = true;
        super.fail(failure, last);
    }

    /** Whether HttpClient failed it: the backend side failed. */
    boolean failed() {
        return failed;
    }

    /** A write's callback that a failure of the backend side does not fail: the reader reads on. */
    private final class DiscardOnFailure implements Callback {
        private final Callback callback;

        DiscardOnFailure(Callback callback) {
            this.callback = callback;
        }

        @Override
        public void succeeded() {
            callback.succeeded();
        }

        @Override
        public void failed(Throwable failure) {
            if (UpstreamContent.this.failed) {
                callback.succeeded();
            } else {
                callback.failed(failure);
            }
        }

        @Override
        public InvocationType getInvocationType() {
            return callback.getInvocationType();
        }
    }
}
