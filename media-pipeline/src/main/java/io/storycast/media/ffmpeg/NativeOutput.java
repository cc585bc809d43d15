package io.storycast.media.ffmpeg;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.Seek_Pointer_long_int;
import org.bytedeco.ffmpeg.avformat.Write_packet_Pointer_BytePointer_int;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;

import java.util.Objects;

import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EXTERNAL;

/**
 * An FFmpeg {@code AVIOContext} that writes a muxer's output straight into an off-heap {@link ByteBuf}: each
 * write copies from FFmpeg's native buffer into the buffer's native memory, so the media never passes through
 * the Java heap. It can seek (the MP4 muxer goes back to patch box sizes), writing over or past what is
 * there; it cannot read, so muxer features that read their own output back ({@code +faststart}) do not work
 * here ({@link MoovFirst} does that job instead).
 *
 * <p>The write and seek callbacks are two static JavaCPP thunks shared by every output, like
 * {@link NativeInput}'s: FFmpeg hands them the output's id as the {@code opaque} pointer.
 *
 * <p>Ownership: the bytes stay this object's until {@link #take()} hands them over; {@link #close()} frees
 * the native context and releases bytes not taken. A write past {@code maxBytes} fails (FFmpeg then fails
 * the muxing call), and {@link #overflowed()} tells why.
 */
final class NativeOutput implements AutoCloseable {
    private static final NativeIo.Registry<NativeOutput> OPEN = new NativeIo.Registry<>();

    private static final Write_packet_Pointer_BytePointer_int WRITE = new Write_packet_Pointer_BytePointer_int() {
        @Override
        public int call(Pointer opaque, BytePointer buffer, int size) {
            NativeOutput output = OPEN.get(opaque);
            return output == null ? AVERROR_EXTERNAL() : output.write(buffer, size);
        }
    };

    private static final Seek_Pointer_long_int SEEK = new Seek_Pointer_long_int() {
        @Override
        public long call(Pointer opaque, long offset, int whence) {
            NativeOutput output = OPEN.get(opaque);
            return output == null ? AVERROR_EXTERNAL() : output.seek(offset, whence);
        }
    };

    private final long id;
    private final long maxBytes;
    private final LongPointer opaque;
    private final AVIOContext context;
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
        this.id = OPEN.add(this);
        this.opaque = new LongPointer(1).put(id);
        try {
            this.context = NativeIo.allocate(opaque, null, WRITE, SEEK);
        } catch (OutOfMemoryError e) {
            OPEN.remove(id);
            opaque.close();
            bytes.release();
            throw e;
        }
    }

    AVIOContext context() {
        return context;
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

    private int write(BytePointer buffer, int size) {
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

    private long seek(long offset, int whence) {
        if (bytes == null) {
            return AVERROR_EXTERNAL();
        }
        long target = NativeIo.target(offset, whence, position, bytes.writerIndex());
        if (target == NativeIo.SIZE_ASKED) {
            return bytes.writerIndex();
        }
        // Seeking past the end is allowed (a later write fills the gap), within the byte limit.
        if (target < 0 || target > maxBytes) {
            return AVERROR_EXTERNAL();
        }
        position = (int) target;
        return target;
    }

    @Override
    public void close() {
        OPEN.remove(id);
        NativeIo.free(context);
        opaque.close();
        if (bytes != null) {
            bytes.release();
            bytes = null;
        }
    }
}
