package io.storycast.media;

import io.netty.buffer.ByteBuf;

import java.util.Objects;

/**
 * One encoded output of a job.
 *
 * <p>Ownership: {@code bytes} is a pooled direct buffer owned by whoever holds this rendition; the holder
 * stores or sends it and then calls {@link #release()} exactly once.
 *
 * @param name           the profile's rendition name, e.g. {@code story}; a video split into segments has
 *                       one rendition per segment, {@code story-1}, {@code story-2}, … in playing order
 * @param format         the container or file type: {@code jpeg}, {@code webp} or {@code mp4}
 * @param codec          the (video) codec's FFmpeg name, e.g. {@code mjpeg}, {@code libwebp}, {@code h264}
 * @param width          pixels
 * @param height         pixels
 * @param durationMillis how long a video plays, milliseconds (its frame count over its frame rate); 0 for an image
 * @param bytes          the encoded file, readable from its reader index
 */
public record Rendition(String name, String format, String codec, int width, int height, long durationMillis, ByteBuf bytes) {
    public Rendition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(bytes, "bytes");
        if (durationMillis < 0) {
            throw new IllegalArgumentException("durationMillis must be 0 or more, was " + durationMillis);
        }
    }

    /** Releases the encoded bytes; call once, when done with them. */
    public void release() {
        bytes.release();
    }
}
