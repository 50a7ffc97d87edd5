package dev.jlb.web.websocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The frame reader and the boundary follower against frames written by RFC 6455's rules, masked
 * (as jlb writes them) or not (as a backend does), cut into chunks of any size: every frame comes
 * out with its opcode, FIN and payload, and every frame's end is found, whatever the cuts.
 */
class FramingPropertiesTest {
    @SuppressWarnings("ArrayRecordComponent") // compared field by field, never as a whole
    private record Sent(int opcode, boolean fin, byte[] payload) {}

    private static List<Sent> frames(Random random, int count) {
        List<Sent> frames = new ArrayList<>();
        boolean inMessage = false;
        for (int i = 0; i < count; i++) {
            int kind = random.nextInt(10);
            if (kind < 2) {
                int[] controls = {Frames.PING, Frames.PONG, Frames.CLOSE};
                byte[] payload = new byte[random.nextInt(126)];
                random.nextBytes(payload);
                frames.add(new Sent(controls[random.nextInt(3)], true, payload));
                continue;
            }
            // Lengths around the 7-bit, 16-bit and 64-bit encodings' edges.
            int[] sizes = {0, 1, 125, 126, 127, 65535, 65536, 70000, random.nextInt(3000)};
            byte[] payload = new byte[sizes[random.nextInt(sizes.length)]];
            random.nextBytes(payload);
            boolean fin = random.nextBoolean();
            int opcode = inMessage ? Frames.CONTINUATION : (random.nextBoolean() ? Frames.TEXT : Frames.BINARY);
            frames.add(new Sent(opcode, fin, payload));
            inMessage = !fin;
        }
        return frames;
    }

    /** A frame as a backend writes it: not masked. */
    private static byte[] unmasked(Sent frame) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int length = frame.payload().length;
        out.write((frame.fin() ? 0x80 : 0) | frame.opcode());
        if (length < 126) {
            out.write(length);
        } else if (length < 65536) {
            out.write(126);
            out.write(length >>> 8);
            out.write(length & 0xFF);
        } else {
            out.write(127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) ((long) length >>> shift) & 0xFF);
            }
        }
        out.writeBytes(frame.payload());
        return out.toByteArray();
    }

    private static byte[] stream(List<Sent> frames, boolean masked, List<Integer> ends) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Sent frame : frames) {
            if (masked) {
                ByteBuffer bytes = Frames.masked(frame.opcode(), frame.fin(), ByteBuffer.wrap(frame.payload()));
                byte[] array = new byte[bytes.remaining()];
                bytes.get(array);
                out.writeBytes(array);
            } else {
                out.writeBytes(unmasked(frame));
            }
            ends.add(out.size());
        }
        return out.toByteArray();
    }

    private static List<ByteBuffer> chunks(byte[] stream, Random random, int maxChunk) {
        List<ByteBuffer> chunks = new ArrayList<>();
        int at = 0;
        while (at < stream.length) {
            int n = Math.min(stream.length - at, 1 + random.nextInt(maxChunk));
            chunks.add(ByteBuffer.wrap(stream, at, n).slice());
            at += n;
        }
        return chunks;
    }

    @Property(tries = 200)
    void everyFrameComesOutWholeWhateverTheChunks(
            @ForAll long seed, @ForAll boolean masked, @ForAll @IntRange(min = 1, max = 20000) int maxChunk)
            throws Exception {
        Random random = new Random(seed);
        List<Sent> sent = frames(random, 1 + random.nextInt(12));
        byte[] stream = stream(sent, masked, new ArrayList<>());
        FrameDecoder decoder = new FrameDecoder();
        List<Sent> received = new ArrayList<>();
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        int opcode = -1;
        boolean fin = false;
        for (ByteBuffer chunk : chunks(stream, random, maxChunk)) {
            FrameDecoder.Piece piece;
            while ((piece = decoder.next(chunk)) != null) {
                if (piece.frameStart()) {
                    opcode = piece.opcode();
                    fin = piece.fin();
                    payload.reset();
                }
                assertEquals(opcode, piece.opcode());
                byte[] bytes = new byte[piece.data().remaining()];
                piece.data().get(bytes);
                payload.writeBytes(bytes);
                if (piece.frameEnd()) {
                    received.add(new Sent(opcode, fin, payload.toByteArray()));
                }
            }
            assertEquals(0, chunk.remaining(), "a chunk is used up");
        }
        assertEquals(sent.size(), received.size());
        for (int i = 0; i < sent.size(); i++) {
            assertEquals(sent.get(i).opcode(), received.get(i).opcode(), "opcode of frame " + i);
            assertEquals(sent.get(i).fin(), received.get(i).fin(), "FIN of frame " + i);
            assertArrayEquals(sent.get(i).payload(), received.get(i).payload(), "payload of frame " + i);
        }
    }

    @Property(tries = 200)
    void everyFramesEndIsFoundWhateverTheChunks(
            @ForAll long seed, @ForAll boolean masked, @ForAll @IntRange(min = 1, max = 20000) int maxChunk) {
        Random random = new Random(seed);
        List<Integer> ends = new ArrayList<>();
        byte[] stream = stream(frames(random, 1 + random.nextInt(12)), masked, ends);
        FrameBoundaries boundaries = new FrameBoundaries();
        List<Integer> found = new ArrayList<>();
        int offset = 0;
        for (ByteBuffer chunk : chunks(stream, random, maxChunk)) {
            ByteBuffer view = chunk.duplicate();
            while (view.hasRemaining()) {
                int n = boundaries.advance(view);
                assertTrue(n > 0);
                view.position(view.position() + n);
                offset += n;
                if (boundaries.atBoundary()) {
                    found.add(offset);
                }
            }
        }
        assertEquals(ends, found);
    }

    @Property(tries = 200)
    void textCutAnywhereDecodesToTheSameString(@ForAll long seed, @ForAll @IntRange(min = 1, max = 64) int maxPiece)
            throws Exception {
        Random random = new Random(seed);
        StringBuilder text = new StringBuilder();
        String[] parts = {"a", "é", "✓", "😀", "日本", " "};
        for (int i = random.nextInt(200); i > 0; i--) {
            text.append(parts[random.nextInt(parts.length)]);
        }
        byte[] utf8 = text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Utf8Pieces decoder = new Utf8Pieces();
        StringBuilder decoded = new StringBuilder();
        int at = 0;
        do {
            int n = Math.min(utf8.length - at, random.nextInt(maxPiece + 1));
            boolean last = at + n == utf8.length;
            decoded.append(decoder.decode(ByteBuffer.wrap(utf8, at, n), last));
            at += n;
            if (last) {
                break;
            }
        } while (true);
        assertEquals(text.toString(), decoded.toString());
    }
}
