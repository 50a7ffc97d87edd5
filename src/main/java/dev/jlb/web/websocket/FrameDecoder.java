package dev.jlb.web.websocket;

import java.nio.ByteBuffer;

/**
 * Reads RFC 6455 frames from a byte stream as it arrives, without holding a whole frame: a data
 * frame's payload comes out in the pieces its bytes came in, so that a 16 MiB message passes
 * through a buffer of a few KiB. A control frame (at most 125 bytes) comes out whole.
 */
final class FrameDecoder {
    /** A piece of one frame's payload, valid until the next call to {@link #next}. */
    record Piece(int opcode, boolean frameStart, boolean frameEnd, boolean fin, ByteBuffer data) {
        /** Whether this piece ends a message: the end of a frame with FIN set. */
        boolean endsMessage() {
            return frameEnd && fin;
        }
    }

    /** The stream broke the protocol; the connection is to be closed with this code. */
    static final class ProtocolException extends Exception {
        private static final long serialVersionUID = 1L;
        private final int code;

        ProtocolException(int code, String message) {
            super(message);
            this.code = code;
        }

        int code() {
            return code;
        }
    }

    private final byte[] header = new byte[14];
    private int headerRead;
    private int opcode;
    private boolean fin;
    private boolean masked;
    private final byte[] mask = new byte[4];
    private long remaining = -1;
    private long offset;
    private boolean started;
    private byte[] control;
    private int controlRead;

    /**
     * The next piece that the bytes in {@code in} complete, or {@code null} when they are used up.
     * The piece's data may be a view of {@code in}: use it before calling again.
     */
    Piece next(ByteBuffer in) throws ProtocolException {
        while (true) {
            if (remaining < 0) {
                if (!readHeader(in)) {
                    return null;
                }
                if (remaining == 0 && control == null) {
                    remaining = -1;
                    return new Piece(opcode, true, true, fin, ByteBuffer.allocate(0));
                }
            }
            if (control != null) {
                int n = (int) Math.min(remaining, in.remaining());
                in.get(control, controlRead, n);
                controlRead += n;
                remaining -= n;
                if (remaining > 0) {
                    return null;
                }
                remaining = -1;
                ByteBuffer data = ByteBuffer.wrap(control, 0, controlRead);
                control = null;
                unmask(data, 0);
                return new Piece(opcode, true, true, true, data);
            }
            if (!in.hasRemaining()) {
                return null;
            }
            int n = (int) Math.min(remaining, in.remaining());
            ByteBuffer data = in.slice(in.position(), n);
            in.position(in.position() + n);
            if (masked) {
                data = copyUnmasked(data, offset);
            }
            offset += n;
            remaining -= n;
            boolean frameStart = !started;
            started = true;
            boolean frameEnd = remaining == 0;
            if (frameEnd) {
                remaining = -1;
            }
            return new Piece(opcode, frameStart, frameEnd, fin, data);
        }
    }

    /** Reads as much of a frame header as there is; true once it is whole. */
    private boolean readHeader(ByteBuffer in) throws ProtocolException {
        while (in.hasRemaining()) {
            if (headerRead < header.length) {
                header[headerRead++] = in.get();
            }
            int needed = headerLength();
            if (needed > 0 && headerRead == needed) {
                parseHeader();
                headerRead = 0;
                return true;
            }
        }
        return false;
    }

    /** The length of the header being read, or 0 while its first two bytes are not there. */
    private int headerLength() {
        if (headerRead < 2) {
            return 0;
        }
        int length = header[1] & 0x7F;
        int extended = length == 126 ? 2 : length == 127 ? 8 : 0;
        return 2 + extended + ((header[1] & 0x80) != 0 ? 4 : 0);
    }

    private void parseHeader() throws ProtocolException {
        fin = (header[0] & 0x80) != 0;
        if ((header[0] & 0x70) != 0) {
            throw new ProtocolException(Frames.PROTOCOL_ERROR, "reserved bits set without an extension");
        }
        opcode = header[0] & 0x0F;
        if (!Frames.isKnown(opcode)) {
            throw new ProtocolException(Frames.PROTOCOL_ERROR, "unknown opcode " + opcode);
        }
        masked = (header[1] & 0x80) != 0;
        int length7 = header[1] & 0x7F;
        int at = 2;
        long length;
        if (length7 == 126) {
            length = (long) (((header[2] & 0xFF) << 8) | (header[3] & 0xFF));
            at = 4;
        } else if (length7 == 127) {
            length = 0;
            for (int i = 2; i < 10; i++) {
                length = (length << 8) | (header[i] & 0xFF);
            }
            if (length < 0) {
                throw new ProtocolException(Frames.PROTOCOL_ERROR, "frame length beyond 2^63");
            }
            at = 10;
        } else {
            length = length7;
        }
        if (masked) {
            System.arraycopy(header, at, mask, 0, 4);
        }
        if (Frames.isControl(opcode)) {
            if (!fin || length > 125) {
                throw new ProtocolException(
                        Frames.PROTOCOL_ERROR, "a control frame must be whole and at most 125 bytes");
            }
            control = new byte[(int) length];
            controlRead = 0;
        }
        remaining = length;
        offset = 0;
        started = false;
    }

    private ByteBuffer copyUnmasked(ByteBuffer data, long from) {
        ByteBuffer copy = ByteBuffer.allocate(data.remaining()).put(data).flip();
        unmask(copy, from);
        return copy;
    }

    private void unmask(ByteBuffer data, long from) {
        if (!masked) {
            return;
        }
        for (int i = data.position(); i < data.limit(); i++) {
            data.put(i, (byte) (data.get(i) ^ mask[(int) ((from + i - data.position()) & 3)]));
        }
    }
}
