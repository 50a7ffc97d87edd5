package dev.jlb.web.websocket;

import java.nio.ByteBuffer;

/**
 * Follows where frames begin in a stream of WebSocket bytes that passes through untouched, by
 * their headers alone, so that a close frame of jlb's own can be put between two frames.
 */
final class FrameBoundaries {
    private final byte[] header = new byte[14];
    private int headerRead;
    private long payloadLeft;
    private boolean sawClose;

    /** Whether a close frame has begun. */
    boolean sawClose() {
        return sawClose;
    }

    /** Whether the bytes so far end exactly at the end of a frame. */
    boolean atBoundary() {
        return headerRead == 0 && payloadLeft == 0;
    }

    /**
     * Follows the bytes from the chunk's position up to the next end of a frame, or to the
     * chunk's end; returns how many it went over (the chunk's position does not move).
     */
    int advance(ByteBuffer chunk) {
        int at = chunk.position();
        int end = chunk.limit();
        while (at < end) {
            if (payloadLeft > 0) {
                int n = (int) Math.min(payloadLeft, end - at);
                payloadLeft -= n;
                at += n;
                if (payloadLeft == 0) {
                    break;
                }
                continue;
            }
            header[headerRead++] = chunk.get(at++);
            int length = headerLength();
            if (length > 0 && headerRead == length) {
                payloadLeft = payloadLength();
                sawClose |= (header[0] & 0x0F) == Frames.CLOSE;
                headerRead = 0;
                if (payloadLeft == 0) {
                    break;
                }
            }
        }
        return at - chunk.position();
    }

    private int headerLength() {
        if (headerRead < 2) {
            return 0;
        }
        int length7 = header[1] & 0x7F;
        return 2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0) + ((header[1] & 0x80) != 0 ? 4 : 0);
    }

    private long payloadLength() {
        int length7 = header[1] & 0x7F;
        if (length7 == 126) {
            return (long) (((header[2] & 0xFF) << 8) | (header[3] & 0xFF));
        }
        if (length7 == 127) {
            long length = 0;
            for (int i = 2; i < 10; i++) {
                length = (length << 8) | (header[i] & 0xFF);
            }
            return length & Long.MAX_VALUE;
        }
        return length7;
    }
}
