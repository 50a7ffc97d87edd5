package dev.jlb.web.websocket;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * RFC 6455 frames as jlb writes them to a backend: a client's frames, masked anew (a client must
 * mask every frame; the mask protects intermediaries that would read the bytes as HTTP, which is
 * why a random source without cryptographic strength suffices between jlb and its own backends).
 */
final class Frames {
    static final int CONTINUATION = 0x0;
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    static final int GOING_AWAY = 1001;
    static final int PROTOCOL_ERROR = 1002;
    static final int NO_STATUS = 1005;
    static final int BAD_DATA = 1007;
    static final int SERVER_ERROR = 1011;

    private Frames() {}

    static boolean isControl(int opcode) {
        return (opcode & 0x8) != 0;
    }

    static boolean isKnown(int opcode) {
        return opcode <= BINARY || (opcode >= CLOSE && opcode <= PONG);
    }

    /** One masked frame, header and payload, ready to write; the payload's position is left as it was. */
    static ByteBuffer masked(int opcode, boolean fin, ByteBuffer payload) {
        int length = payload.remaining();
        int headerLength = 2 + (length < 126 ? 0 : length < 65536 ? 2 : 8) + 4;
        ByteBuffer frame = ByteBuffer.allocate(headerLength + length);
        frame.put((byte) ((fin ? 0x80 : 0) | opcode));
        if (length < 126) {
            frame.put((byte) (0x80 | length));
        } else if (length < 65536) {
            frame.put((byte) (0x80 | 126)).putShort((short) length);
        } else {
            frame.put((byte) (0x80 | 127)).putLong(length);
        }
        int mask = ThreadLocalRandom.current().nextInt();
        frame.putInt(mask);
        byte[] key = {(byte) (mask >>> 24), (byte) (mask >>> 16), (byte) (mask >>> 8), (byte) mask};
        int start = payload.position();
        for (int i = 0; i < length; i++) {
            frame.put((byte) (payload.get(start + i) ^ key[i & 3]));
        }
        return frame.flip();
    }

    /** The payload of a close frame: the code (none for 1005) and the reason in UTF-8. */
    static ByteBuffer closePayload(int code, String reason) {
        if (code == NO_STATUS) {
            return ByteBuffer.allocate(0);
        }
        byte[] text = reason == null ? new byte[0] : reason.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(2 + text.length)
                .putShort((short) code)
                .put(text)
                .flip();
    }

    /** The code of a close frame's payload, 1005 when it has none. */
    static int closeCode(ByteBuffer payload) {
        return payload.remaining() < 2 ? NO_STATUS : payload.getShort(payload.position()) & 0xFFFF;
    }

    /** The reason of a close frame's payload, empty when it has none. */
    static String closeReason(ByteBuffer payload) {
        if (payload.remaining() <= 2) {
            return "";
        }
        ByteBuffer text = payload.duplicate();
        text.position(text.position() + 2);
        return StandardCharsets.UTF_8.decode(text).toString();
    }
}
