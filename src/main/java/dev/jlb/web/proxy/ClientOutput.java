package dev.jlb.web.proxy;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

/**
 * The client's response body as a non-blocking output: one write at a time, each completing its
 * callback once the container has taken the bytes.
 *
 * <p>Jetty's proxy sets its write listener on the first chunk of the backend's answer, which makes
 * the container run {@code onWritePossible} as a new task on another thread for every response.
 * This listener is set while the request is still being handled ({@link #listen}), so the
 * container's one call after registration comes at the end of that dispatch, and every chunk is
 * then written at once by the thread that received it from the backend. A chunk that arrives
 * before that first call waits for it.
 */
final class ClientOutput implements WriteListener {
    /** Registered, the container's first {@code onWritePossible} still to come. */
    private static final Object UNPRIMED = new Object();
    /** Nothing outstanding. */
    private static final Object IDLE = new Object();
    /** A write is being made by the thread that received the chunk. */
    private static final Object WRITING = new Object();
    /** The container said ready while a write was being made: it is done when that write sees this. */
    private static final Object WOKEN = new Object();

    /** A write the container did not finish at once: done at the next {@code onWritePossible}. */
    private record Unfinished(Callback callback) {}

    /** A chunk that came before the container's first call, written at that call. */
    private record Deferred(ByteBuffer buffer, Callback callback) {}

    private record Failed(Throwable failure) {}

    private final ServletOutputStream output;
    private final AtomicReference<Object> state = new AtomicReference<>(UNPRIMED);

    private ClientOutput(ServletOutputStream output) {
        this.output = output;
    }

    /**
     * Registers the output for non-blocking writes. Call it while the container handles the
     * request (during {@code service} or a read callback), after the request went async.
     */
    static ClientOutput listen(ServletOutputStream output) {
        ClientOutput clientOutput = new ClientOutput(output);
        output.setWriteListener(clientOutput);
        return clientOutput;
    }

    /**
     * Writes the buffer's bytes and sends them on at once; the callback completes when the
     * container has taken them. The next write may only begin after that.
     */
    void write(ByteBuffer buffer, Callback callback) {
        while (true) {
            Object current = state.get();
            if (current == IDLE) {
                if (state.compareAndSet(IDLE, WRITING)) {
                    writeNow(buffer, callback);
                    return;
                }
            } else if (current == UNPRIMED) {
                if (state.compareAndSet(UNPRIMED, new Deferred(buffer, callback))) {
                    return;
                }
            } else if (current instanceof Failed failed) {
                callback.failed(failed.failure());
                return;
            } else {
                callback.failed(new IllegalStateException("a write to the client is still outstanding"));
                return;
            }
        }
    }

    private void writeNow(ByteBuffer buffer, Callback callback) {
        boolean ready;
        try {
            if (buffer.hasRemaining() && !BufferWrites.write(output, buffer)) {
                output.write(BufferUtil.toArray(buffer));
            }
            // Streamed answers reach the client chunk by chunk, not when a buffer fills.
            if (output.isReady()) {
                output.flush();
            }
            ready = output.isReady();
        } catch (IOException | RuntimeException e) {
            state.set(new Failed(e));
            callback.failed(e);
            return;
        }
        if (ready || !state.compareAndSet(WRITING, new Unfinished(callback))) {
            // Done: at once, or the container finished it between isReady() and here (WOKEN).
            Object current = state.get();
            if (current instanceof Failed failed) {
                callback.failed(failed.failure());
            } else if (state.compareAndSet(current, IDLE)) {
                callback.succeeded();
            } else {
                // Only a failure can come in between.
                callback.failed(((Failed) state.get()).failure());
            }
        }
    }

    @Override
    public void onWritePossible() {
        while (true) {
            Object current = state.get();
            if (current == UNPRIMED) {
                if (state.compareAndSet(UNPRIMED, IDLE)) {
                    return;
                }
            } else if (current instanceof Deferred deferred) {
                if (state.compareAndSet(deferred, WRITING)) {
                    writeNow(deferred.buffer(), deferred.callback());
                    return;
                }
            } else if (current instanceof Unfinished unfinished) {
                if (state.compareAndSet(unfinished, IDLE)) {
                    unfinished.callback().succeeded();
                    return;
                }
            } else if (current == WRITING) {
                if (state.compareAndSet(WRITING, WOKEN)) {
                    return;
                }
            } else {
                return;
            }
        }
    }

    @Override
    public void onError(Throwable failure) {
        Object previous = state.getAndSet(new Failed(failure));
        if (previous instanceof Unfinished unfinished) {
            unfinished.callback().failed(failure);
        } else if (previous instanceof Deferred deferred) {
            deferred.callback().failed(failure);
        }
    }
}
