package io.storycast.gateway.media;

import io.netty.buffer.ByteBuf;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where rendition bytes live, addressed by their content (SHA-256): a rendition stored twice is stored once,
 * and a digest never changes meaning, so readers may cache forever. The filesystem store is the default;
 * an S3-compatible store implements the same two calls. {@link #put} blocks: call it on a worker thread.
 */
public interface RenditionStore {
    /**
     * Stores the bytes (not released: they stay the caller's).
     *
     * @return the lower-case hex SHA-256 of the bytes, under which they are stored
     */
    String put(ByteBuf bytes) throws IOException;

    /**
     * Where the bytes of {@code sha256} are, if stored; found without touching the disk, so the event loop
     * may ask (it checks the file itself, asynchronously).
     *
     * @return the file's path, or empty when {@code sha256} is not a lower-case hex SHA-256
     */
    Optional<Path> location(String sha256);
}
