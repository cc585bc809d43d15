package io.storycast.media.ffmpeg;

import io.netty.buffer.ByteBuf;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.javacpp.BytePointer;

import java.util.Objects;

import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EXIT;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EXTERNAL;

/**
 * An FFmpeg {@code AVIOContext} that reads an upload straight out of its off-heap buffer: each read copies
 * from the {@link ByteBuf}'s native memory into FFmpeg's native buffer, so the media never passes through
 * the Java heap. It also ends reads once the job's deadline has passed ({@code AVERROR_EXIT}), which stops a
 * slow demux. The context and its callbacks are {@link NativeIo}'s.
 *
 * <p>Ownership: the upload stays owned by the caller, who must not release it before {@link #close()};
 * {@link #close()} frees the native context and FFmpeg's buffer.
 */
final class NativeInput implements NativeIo.Endpoint, AutoCloseable {
    private final ByteBuf upload;
    private final long deadlineNanos;
    private final NativeIo io;
    private int position;
    private boolean timedOut;

    /**
     * @param upload        the whole upload, readable bytes from its reader index; not released by this class
     * @param deadlineNanos {@link System#nanoTime()} past which reads fail
     */
    NativeInput(ByteBuf upload, long deadlineNanos) {
        this.upload = Objects.requireNonNull(upload, "upload");
        this.deadlineNanos = deadlineNanos;
        this.io = NativeIo.reading(this);
    }

    AVIOContext context() {
        return io.context();
    }

    /** @return whether a read was refused because the job ran out of time */
    boolean timedOut() {
        return timedOut;
    }

    @Override
    public int read(BytePointer buffer, int size) {
        if (System.nanoTime() - deadlineNanos > 0) {
            timedOut = true;
            return AVERROR_EXIT();
        }
        int remaining = upload.readableBytes() - position;
        if (remaining <= 0) {
            return AVERROR_EOF();
        }
        int length = Math.min(size, remaining);
        // A direct ByteBuffer over FFmpeg's buffer: a native-to-native copy, nothing on the heap.
        upload.getBytes(upload.readerIndex() + position, buffer.position(0).capacity(length).asByteBuffer());
        position += length;
        return length;
    }

    /** Anywhere within the upload; not past its end, where there is nothing to read. */
    @Override
    public long seek(long offset, int whence) {
        long target = NativeIo.target(offset, whence, position, upload.readableBytes());
        if (target == NativeIo.SIZE_ASKED) {
            return upload.readableBytes();
        }
        if (target < 0 || target > upload.readableBytes()) {
            return AVERROR_EXTERNAL();
        }
        position = (int) target;
        return target;
    }

    @Override
    public void close() {
        io.close();
    }
}
