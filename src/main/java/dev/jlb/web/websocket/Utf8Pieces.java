package dev.jlb.web.websocket;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A text message's pieces decoded one after the other: a piece may end inside a character,
 * whose first bytes wait for the next piece. Invalid UTF-8 is the sender's protocol error.
 */
final class Utf8Pieces {
    private final CharsetDecoder decoder = StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteBuffer carry = ByteBuffer.allocate(8);

    /** The text of this piece; at the message's last piece, nothing may be left over. */
    String decode(ByteBuffer piece, boolean last) throws FrameDecoder.ProtocolException {
        CharBuffer out = CharBuffer.allocate(piece.remaining() + carry.position() + 1);
        ByteBuffer in = piece.duplicate();
        try {
            if (carry.position() > 0) {
                // Complete the character begun in the previous piece, one byte at a time.
                while (in.hasRemaining()) {
                    carry.put(in.get());
                    carry.flip();
                    CoderResult result = decoder.decode(carry, out, false);
                    check(result);
                    carry.compact();
                    if (carry.position() == 0) {
                        break;
                    }
                }
            }
            CoderResult result = decoder.decode(in, out, last);
            check(result);
            if (in.hasRemaining()) {
                carry.put(in);
            }
            if (last) {
                check(decoder.flush(out));
                if (carry.position() > 0) {
                    throw new FrameDecoder.ProtocolException(Frames.BAD_DATA, "a text message ends inside a character");
                }
                decoder.reset();
            }
        } catch (CharacterCodingException | java.nio.BufferOverflowException e) {
            throw new FrameDecoder.ProtocolException(Frames.BAD_DATA, "a text message is not UTF-8");
        }
        return out.flip().toString();
    }

    private static void check(CoderResult result) throws CharacterCodingException {
        if (result.isError()) {
            result.throwException();
        }
    }
}
