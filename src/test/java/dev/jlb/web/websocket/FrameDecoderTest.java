package dev.jlb.web.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** What a backend may not send: each is a protocol error with the code the connection closes with. */
class FrameDecoderTest {
    private static int errorCode(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return assertThrows(FrameDecoder.ProtocolException.class, () -> new FrameDecoder().next(ByteBuffer.wrap(bytes)))
                .code();
    }

    @Test
    void reservedBitsWithoutAnExtensionAreAProtocolError() {
        assertEquals(Frames.PROTOCOL_ERROR, errorCode(0xC1, 0));
    }

    @Test
    void unknownOpcodesAreAProtocolError() {
        assertEquals(Frames.PROTOCOL_ERROR, errorCode(0x83, 0));
    }

    @Test
    void fragmentedOrLongControlFramesAreAProtocolError() {
        assertEquals(Frames.PROTOCOL_ERROR, errorCode(0x09, 0));
        assertEquals(Frames.PROTOCOL_ERROR, errorCode(0x89, 126, 0, 126));
    }

    @Test
    void invalidUtf8InATextMessageIsBadData() {
        Utf8Pieces text = new Utf8Pieces();
        assertEquals(
                Frames.BAD_DATA,
                assertThrows(
                                FrameDecoder.ProtocolException.class,
                                () -> text.decode(ByteBuffer.wrap(new byte[] {(byte) 0xC3, 0x28}), true))
                        .code());
        Utf8Pieces cut = new Utf8Pieces();
        assertEquals(
                Frames.BAD_DATA,
                assertThrows(
                                FrameDecoder.ProtocolException.class,
                                () -> cut.decode(ByteBuffer.wrap(new byte[] {(byte) 0xE2, (byte) 0x9C}), true))
                        .code());
    }

    @Test
    void aCloseFramesCodeAndReasonAreRead() {
        ByteBuffer payload = Frames.closePayload(4001, "bye ✓");
        assertEquals(4001, Frames.closeCode(payload));
        assertEquals("bye ✓", Frames.closeReason(payload));
        assertEquals(Frames.NO_STATUS, Frames.closeCode(Frames.closePayload(Frames.NO_STATUS, "")));
    }
}
