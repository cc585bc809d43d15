package io.storycast.media.ffmpeg;

import io.netty.buffer.ByteBuf;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.Read_packet_Pointer_BytePointer_int;
import org.bytedeco.ffmpeg.avformat.Seek_Pointer_long_int;
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
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EXIT;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EXTERNAL;
import static org.bytedeco.ffmpeg.global.avutil.av_free;
import static org.bytedeco.ffmpeg.global.avutil.av_malloc;

/**
 * An FFmpeg {@code AVIOContext} that reads an upload straight out of its off-heap buffer: each read copies
 * from the {@link ByteBuf}'s native memory into FFmpeg's native buffer, so the media never passes through
 * the Java heap. It also ends reads once the job's deadline has passed ({@code AVERROR_EXIT}), which stops a
 * slow demux.
 *
 * <p>The read and seek callbacks are two static JavaCPP thunks shared by every input (JavaCPP holds a small
 * fixed number of callback instances per type); FFmpeg hands them the input's id as the {@code opaque}
 * pointer, and they look the input up.
 *
 * <p>Ownership: the upload stays owned by the caller, who must not release it before {@link #close()};
 * this class frees its own native buffer and context on {@link #close()}.
 */
final class NativeInput implements AutoCloseable {
    private static final int BUFFER_BYTES = 64 * 1024;
    private static final Map<Long, NativeInput> OPEN = new ConcurrentHashMap<>();
    private static final AtomicLong IDS = new AtomicLong();

    private static final Read_packet_Pointer_BytePointer_int READ = new Read_packet_Pointer_BytePointer_int() {
        @Override
        public int call(Pointer opaque, BytePointer buffer, int size) {
            NativeInput input = OPEN.get(new LongPointer(opaque).get());
            return input == null ? AVERROR_EXTERNAL() : input.read(buffer, size);
        }
    };

    private static final Seek_Pointer_long_int SEEK = new Seek_Pointer_long_int() {
        @Override
        public long call(Pointer opaque, long offset, int whence) {
            NativeInput input = OPEN.get(new LongPointer(opaque).get());
            return input == null ? AVERROR_EXTERNAL() : input.seek(offset, whence);
        }
    };

    private final long id = IDS.incrementAndGet();
    private final ByteBuf upload;
    private final long deadlineNanos;
    private final LongPointer opaque;
    private final AVIOContext context;
    private int position;
    private boolean timedOut;

    /**
     * @param upload        the whole upload, readable bytes from its reader index; not released by this class
     * @param deadlineNanos {@link System#nanoTime()} past which reads fail
     */
    NativeInput(ByteBuf upload, long deadlineNanos) {
        this.upload = Objects.requireNonNull(upload, "upload");
        this.deadlineNanos = deadlineNanos;
        this.opaque = new LongPointer(1).put(id);
        OPEN.put(id, this);
        BytePointer buffer = new BytePointer(av_malloc(BUFFER_BYTES)).capacity(BUFFER_BYTES);
        this.context = avio_alloc_context(buffer, BUFFER_BYTES, 0, opaque, READ, null, SEEK);
        if (context == null) {
            av_free(buffer);
            OPEN.remove(id);
            opaque.close();
            throw new OutOfMemoryError("FFmpeg could not allocate an AVIOContext");
        }
    }

    AVIOContext context() {
        return context;
    }

    /** @return whether a read was refused because the job ran out of time */
    boolean timedOut() {
        return timedOut;
    }

    private int read(BytePointer buffer, int size) {
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

    private long seek(long offset, int whence) {
        int mode = whence & ~AVSEEK_FORCE;
        if (mode == AVSEEK_SIZE) {
            return upload.readableBytes();
        }
        long target = switch (mode) {
            case 0 -> offset; // SEEK_SET
            case 1 -> position + offset; // SEEK_CUR
            case 2 -> upload.readableBytes() + offset; // SEEK_END
            default -> -1;
        };
        if (target < 0 || target > upload.readableBytes()) {
            return AVERROR_EXTERNAL();
        }
        position = (int) target;
        return target;
    }

    @Override
    public void close() {
        OPEN.remove(id);
        // FFmpeg may have replaced the buffer it was given: free the one it holds now.
        av_free(context.buffer());
        context.buffer(null);
        avio_context_free(context);
        opaque.close();
    }
}
