package io.storycast.media.ffmpeg;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.Seek_Pointer_long_int;
import org.bytedeco.ffmpeg.avformat.Write_packet_Pointer_BytePointer_int;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import static org.bytedeco.ffmpeg.global.avformat.AVSEEK_FORCE;
import static org.bytedeco.ffmpeg.global.avformat.AVSEEK_SIZE;
import static org.bytedeco.ffmpeg.global.avformat.avio_alloc_context;
import static org.bytedeco.ffmpeg.global.avformat.avio_context_free;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EXTERNAL;
import static org.bytedeco.ffmpeg.global.avutil.av_free;
import static org.bytedeco.ffmpeg.global.avutil.av_malloc;

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
    private static final int BUFFER_BYTES = 64 * 1024;
    private static final Map<Long, NativeOutput> OPEN = new ConcurrentHashMap<>();
    private static final AtomicLong IDS = new AtomicLong();

    private static final Write_packet_Pointer_BytePointer_int WRITE = new Write_packet_Pointer_BytePointer_int() {
        @Override
        public int call(Pointer opaque, BytePointer buffer, int size) {
            NativeOutput output = OPEN.get(new LongPointer(opaque).get());
            return output == null ? AVERROR_EXTERNAL() : output.write(buffer, size);
        }
    };

    private static final Seek_Pointer_long_int SEEK = new Seek_Pointer_long_int() {
        @Override
        public long call(Pointer opaque, long offset, int whence) {
            NativeOutput output = OPEN.get(new LongPointer(opaque).get());
            return output == null ? AVERROR_EXTERNAL() : output.seek(offset, whence);
        }
    };

    private final long id = IDS.incrementAndGet();
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
        this.bytes = allocator.directBuffer((int) Math.min(BUFFER_BYTES, maxBytes), (int) maxBytes);
        this.opaque = new LongPointer(1).put(id);
        OPEN.put(id, this);
        BytePointer buffer = new BytePointer(av_malloc(BUFFER_BYTES)).capacity(BUFFER_BYTES);
        this.context = avio_alloc_context(buffer, BUFFER_BYTES, 1, opaque, null, WRITE, SEEK);
        if (context == null) {
            av_free(buffer);
            OPEN.remove(id);
            opaque.close();
            bytes.release();
            throw new OutOfMemoryError("FFmpeg could not allocate an AVIOContext");
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
        int mode = whence & ~AVSEEK_FORCE;
        if (mode == AVSEEK_SIZE) {
            return bytes.writerIndex();
        }
        long target = switch (mode) {
            case 0 -> offset; // SEEK_SET
            case 1 -> position + offset; // SEEK_CUR
            case 2 -> bytes.writerIndex() + offset; // SEEK_END
            default -> -1;
        };
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
        av_free(context.buffer());
        context.buffer(null);
        avio_context_free(context);
        opaque.close();
        if (bytes != null) {
            bytes.release();
            bytes = null;
        }
    }
}
