package io.storycast.gateway.media;

import io.netty.buffer.ByteBuf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * Renditions as files named by their SHA-256 under {@code <dir>/<first two hex digits>/<digest>}. A file is
 * written to a temporary name and moved into place atomically, so a reader never sees half a file and a
 * crash leaves only a temporary file. The bytes go from the direct buffer to the file channel without a
 * copy on the heap.
 */
public final class FileRenditionStore implements RenditionStore {
    private final Path directory;

    /** @param directory the store's folder, created if missing */
    public FileRenditionStore(Path directory) throws IOException {
        this.directory = Files.createDirectories(Objects.requireNonNull(directory, "directory"));
    }

    @Override
    public String put(ByteBuf bytes) throws IOException {
        String digest = sha256(bytes);
        Path target = pathOf(digest);
        if (Files.exists(target)) {
            return digest;
        }
        Files.createDirectories(target.getParent());
        Path temporary = Files.createTempFile(target.getParent(), digest, ".tmp");
        boolean moved = false;
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                for (ByteBuffer part : bytes.nioBuffers()) {
                    while (part.hasRemaining()) {
                        channel.write(part);
                    }
                }
                channel.force(false);
            }
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
            return digest;
        } finally {
            if (!moved) {
                Files.deleteIfExists(temporary); // a full disk or a failed move leaves no half file behind
            }
        }
    }

    @Override
    public Optional<Path> location(String sha256) {
        return sha256.matches("[0-9a-f]{64}") ? Optional.of(pathOf(sha256)) : Optional.empty();
    }

    private Path pathOf(String digest) {
        return directory.resolve(digest.substring(0, 2)).resolve(digest);
    }

    private static String sha256(ByteBuf bytes) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (ByteBuffer part : bytes.nioBuffers()) {
                digest.update(part);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
