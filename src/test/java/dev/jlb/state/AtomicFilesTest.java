package dev.jlb.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path directory;

    private List<Path> files() throws IOException {
        try (var entries = Files.list(directory)) {
            return entries.sorted().toList();
        }
    }

    @Test
    void createsAndReplacesTheFile() throws Exception {
        Path file = directory.resolve("state.json");
        AtomicFiles.replace(file, "first".getBytes(StandardCharsets.UTF_8));
        assertEquals("first", Files.readString(file));
        AtomicFiles.replace(file, "second".getBytes(StandardCharsets.UTF_8));
        assertEquals("second", Files.readString(file));
        assertEquals(List.of(file), files());
    }

    @Test
    void theNewFileKeepsTheOldOnesPermissions() throws Exception {
        Path file = directory.resolve("state.json");
        AtomicFiles.replace(file, "first".getBytes(StandardCharsets.UTF_8));
        Set<PosixFilePermission> readable = PosixFilePermissions.fromString("rw-r--r--");
        Files.setPosixFilePermissions(file, readable);
        AtomicFiles.replace(file, "second".getBytes(StandardCharsets.UTF_8));
        assertEquals(readable, Files.getPosixFilePermissions(file));
    }

    @Test
    void aWriteThatFailsHalfWayNeverReplacesTheOldFile() throws Exception {
        Path file = directory.resolve("state.json");
        AtomicFiles.replace(file, "old and whole".getBytes(StandardCharsets.UTF_8));
        IOException diskFull = new IOException("No space left on device");
        IOException failed = assertThrows(
                IOException.class,
                () -> AtomicFiles.replace(file, channel -> {
                    channel.write(ByteBuffer.wrap("new but ha".getBytes(StandardCharsets.UTF_8)));
                    throw diskFull;
                }));
        assertEquals(diskFull, failed);
        assertEquals("old and whole", Files.readString(file));
        // The half-written temporary file is gone too.
        assertEquals(List.of(file), files());
    }

    @Test
    void aWriteThatFailsBeforeThereIsAnOldFileLeavesNone() throws Exception {
        Path file = directory.resolve("state.json");
        assertThrows(
                IOException.class,
                () -> AtomicFiles.replace(file, channel -> {
                    throw new IOException("I/O error");
                }));
        assertFalse(Files.exists(file));
        assertEquals(List.of(), files());
    }

    @Test
    void aFileInAMissingDirectoryIsNotWritten() {
        assertThrows(
                IOException.class, () -> AtomicFiles.replace(directory.resolve("gone/state.json"), new byte[] {'x'}));
    }
}
