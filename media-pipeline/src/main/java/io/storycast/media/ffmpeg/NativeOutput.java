package io.storycast.media.ffmpeg;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.javacpp.BytePointer;

import java.util.Objects;

import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EXTERNAL;

/**
 * An FFmpeg {@code AVIOContext} that writes a muxer's output straight into an off-heap {@link ByteBuf}: each
 * write copies from FFmpeg's native buffer into the buffer's native memory, so the media never passes through
 * the Java heap. It can seek (the MP4 muxer goes back to patch box sizes), writing over or past what is
 * there; it cannot read, so muxer features that read their own output back ({@code +faststart}) do not work
 * here ({@link MoovFirst} does that job instead). The context and its callbacks are {@link NativeIo}'s.
 *
 * <p>Ownership: the bytes stay this object's until {@link #take()} hands them over; {@link #close()} frees
 * the native context and FFmpeg's buffer and releases bytes not taken. A write past {@code maxBytes} fails (FFmpeg then fails
 * the muxing call), and {@link #overflowed()} tells why.
 */
final class NativeOutput implements NativeIo.Endpoint, AutoCloseable {
    private final long maxBytes;
    private final NativeIo io;
    private ByteBuf bytes;
    private int position;
    private boolean overflowed;

    /**
     * @param allocator where the bytes go (a pooled direct allocator in the gateway)
     * @param maxBytes  most bytes the output may hold, 1 to {@link Integer#MAX_VALUE}
     */
    NativeOutput(ByteBufAllocator allocator, long maxBytes) {
        Objects.requireNonNull(allocator, "allocator");
        if (maxBytes < 1 || maxBytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("maxBytes must be 1 to " + Integer.MAX_VALUE + ", was " + maxBytes);
        }
        this.maxBytes = maxBytes;
        this.bytes = allocator.directBuffer((int) Math.min(NativeIo.BUFFER_BYTES, maxBytes), (int) maxBytes);
        try {
            this.io = NativeIo.writing(this);
        } catch (OutOfMemoryError e) {
            bytes.release();
            throw e;
        }
    }

    AVIOContext context() {
        return io.context();
    }

    /** @return whether a write was refused because the output would have passed {@code maxBytes} */
    boolean overflowed() {
        return overflowed;
    }

    /**
     * Hands the bytes written so far to the caller (call after the muxer flushed its trailer).
     *
     * @return the output, readable from index 0; the caller releases it
     */
    ByteBuf take() {
        ByteBuf taken = Objects.requireNonNull(bytes, "already taken");
        bytes = null;
        return taken;
    }

    @Override
    public int write(BytePointer buffer, int size) {
        if (bytes == null) {
            return AVERROR_EXTERNAL();
        }
        long end = (long) position + size;
        if (end > maxBytes) {
            overflowed = true;
            return AVERROR_EXTERNAL();
        }
        if (end > bytes.writerIndex()) {
            int written = bytes.writerIndex();
            bytes.ensureWritable((int) end - written);
            bytes.writerIndex((int) end);
            if (position > written) {
                bytes.setZero(written, position - written); // a gap left by a seek past the end
            }
        }
        // Native-to-native: FFmpeg's buffer seen as a direct ByteBuffer, set into the ByteBuf's memory.
        bytes.setBytes(position, buffer.position(0).capacity(size).asByteBuffer());
        position = (int) end;
        return size;
    }

    /** Anywhere up to {@code maxBytes}: past the end too (a later write fills the gap with zeros). */
    @Override
    public long seek(long offset, int whence) {
        if (bytes == null) {
            return AVERROR_EXTERNAL();
        }
        long target = NativeIo.target(offset, whence, position, bytes.writerIndex());
        if (target == NativeIo.SIZE_ASKED) {
            return bytes.writerIndex();
        }
        if (target < 0 || target > maxBytes) {
            return AVERROR_EXTERNAL();
        }
        position = (int) target;
        return target;
    }

    @Override
    public void close() {
        io.close();
        if (bytes != null) {
            bytes.release();
            bytes = null;
        }
    }
}
