package dev.jlb.web;

import org.eclipse.jetty.client.AsyncRequestContent;
import org.eclipse.jetty.client.ByteBufferRequestContent;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The request body on its way to the backend.
 *
 * <p>A body that fits in the retry buffer is read whole before the request goes out, as nginx
 * and HAProxy can do: the backend's connection is not held while a slow client uploads, and the
 * body can be replayed to another backend if the first cannot be reached. A larger body streams
 * on once the buffer is full, and cannot be replayed.
 *
 * <p>It also remembers whether HttpClient failed it, which happens only when the backend side
 * failed: that tells a backend failure apart from a client failure when both reach the servlet as
 * a failed read of the request body.
 *
 * <p>Writes come from the one thread at a time that reads the client's body; the fields are
 * volatile for the threads that look at them after a failure.
 */
final class UpstreamContent extends AsyncRequestContent {
    private final int bufferSize;
    private volatile byte[] copy;
    private volatile int length;
    private volatile boolean buffering;
    private volatile boolean complete;
    private volatile boolean tooLarge;
    private volatile boolean failed;
    private Runnable whenReady;

    /**
     * @param bufferSize the largest body read whole and kept for replay; 0 streams at once
     */
    UpstreamContent(int bufferSize) {
        this.bufferSize = bufferSize;
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
        if (!buffering) {
            super.write(last, buffer, callback);
            return;
        }
        int bytes = buffer.remaining();
        int total = length + bytes;
        if (total > bufferSize) {
            tooLarge = true;
            release();
            super.write(last, buffer, callback);
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
        if (buffering) {
            release();
        }
        super.close();
    }

    private void keep(ByteBuffer buffer, int bytes, int total) {
        byte[] kept = copy;
        if (kept == null || total > kept.length) {
            int size = Math.min(bufferSize, Math.max(total, kept == null ? 4096 : kept.length * 2));
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

    /** The whole body again, for a new request to another backend, or {@code null} if it was not kept whole. */
    Request.Content replay(String contentType) {
        if (!complete || tooLarge) {
            return null;
        }
        byte[] kept = copy;
        return new ByteBufferRequestContent(contentType,
            kept == null ? ByteBuffer.allocate(0) : ByteBuffer.wrap(kept, 0, length));
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

    boolean failed() {
        return failed;
    }
}
