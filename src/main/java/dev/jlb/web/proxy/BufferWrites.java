package dev.jlb.web.proxy;

import jakarta.servlet.ServletOutputStream;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;

/**
 * Writes a {@link ByteBuffer} to a servlet output stream without first copying it into a new
 * {@code byte[]}, as Jetty's proxy does for every chunk of a response that arrives in a direct
 * buffer. Servlet 6.1 has {@code write(ByteBuffer)}, and Jetty's and Tomcat's streams have it
 * already; the Servlet 6.0 API this WAR is built against does not, so it is found by name, once.
 */
final class BufferWrites {
    private static final MethodType WRITE = MethodType.methodType(void.class, ByteBuffer.class);
    private static final ClassValue<MethodHandle> HANDLES = new ClassValue<>() {
        @Override
        protected MethodHandle computeValue(Class<?> type) {
            try {
                return MethodHandles.publicLookup().findVirtual(type, "write", WRITE);
            } catch (NoSuchMethodException | IllegalAccessException none) {
                return null;
            }
        }
    };

    private BufferWrites() {}

    /**
     * Writes the buffer's remaining bytes if the stream can take a buffer.
     *
     * @return false if it cannot: write the bytes the usual way
     */
    static boolean write(ServletOutputStream output, ByteBuffer content) throws IOException {
        MethodHandle write = HANDLES.get(output.getClass());
        if (write == null) {
            return false;
        }
        try {
            write.invoke(output, content);
            return true;
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable other) {
            throw new IOException(other);
        }
    }
}
