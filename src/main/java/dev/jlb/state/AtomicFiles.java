package dev.jlb.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;

/**
 * Replaces a file so that a crash at any moment leaves either the old file or the new one,
 * whole: the new content goes to a temporary file in the same directory, is forced to disk,
 * renamed over the old file in one atomic step, and the directory is forced so that the rename
 * itself survives a power cut.
 */
public final class AtomicFiles {
    /** Writes a file's whole content to a channel. */
    @FunctionalInterface
    interface Content {
        void writeTo(FileChannel channel) throws IOException;
    }

    private AtomicFiles() {}

    /** Replaces (or creates) the file with this content. */
    public static void replace(Path target, byte[] content) throws IOException {
        replace(target, channel -> {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        });
    }

    static void replace(Path target, Content content) throws IOException {
        Path directory = target.toAbsolutePath().getParent();
        // Same directory, so that the rename never crosses file systems and can be atomic.
        Path temporary = Files.createTempFile(directory, "." + target.getFileName() + ".", ".tmp");
        boolean renamed = false;
        try {
            keepPermissions(target, temporary);
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                content.writeTo(channel);
                channel.force(true);
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            renamed = true;
        } finally {
            if (!renamed) {
                Files.deleteIfExists(temporary);
            }
        }
        forceDirectory(directory);
    }

    /**
     * Gives the new file the old one's permissions: a temporary file is made readable by its owner
     * only, and an operator who let others read the file should not see that undone.
     */
    private static void keepPermissions(Path target, Path temporary) throws IOException {
        if (Files.exists(target)
                && Files.getFileStore(target).supportsFileAttributeView(PosixFileAttributeView.class)) {
            Files.setPosixFilePermissions(temporary, Files.getPosixFilePermissions(target));
        }
    }

    /** Makes the directory's entries (the rename) durable; a file's own force does not. */
    private static void forceDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
