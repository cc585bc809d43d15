package io.storycast.media.ffmpeg;

import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.Read_packet_Pointer_BytePointer_int;
import org.bytedeco.ffmpeg.avformat.Seek_Pointer_long_int;
import org.bytedeco.ffmpeg.avformat.Write_packet_Pointer_BytePointer_int;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

import java.util.Map;
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
 * An FFmpeg {@code AVIOContext} whose reads, writes and seeks are served by a Java {@link Endpoint}
 * ({@link NativeInput} over an upload, {@link NativeOutput} into a muxer's output): what the two share.
 *
 * <p>JavaCPP holds a small fixed number of callback thunks per type, so there is one static thunk for each of
 * read, write and seek, shared by every context; FFmpeg hands them the context's {@code opaque} pointer, which
 * here is no memory at all but the context's id as an address (FFmpeg never reads through {@code opaque}, it
 * only passes it back). A callback finds its endpoint by that id in a map: no native memory per context for the
 * id; per call, only the {@code Pointer} JavaCPP wraps {@code opaque} in and the boxed {@code Long} of the map
 * lookup (both short-lived, and far cheaper than the native {@code LongPointer} per call this replaced).
 *
 * <p>Ownership: {@link #close()} frees the context and FFmpeg's buffer (the one it holds then: FFmpeg may have
 * replaced the one it was given), after which callbacks for it find no endpoint and fail with
 * {@code AVERROR_EXTERNAL}. The endpoint's own memory (upload, output bytes) stays the endpoint's.
 * Thread-safe to open and close; each context's callbacks run on the thread that drives its demuxer or muxer.
 */
final class NativeIo implements AutoCloseable {
    /** FFmpeg's AVIO buffer, bytes. */
    static final int BUFFER_BYTES = 64 * 1024;
    /** What a seek asks for when it asks for the size instead of a position. */
    static final long SIZE_ASKED = Long.MIN_VALUE;

    /** The Java side of a context: what its callbacks call. Each returns an {@code AVERROR} on failure. */
    interface Endpoint {
        /** @return bytes copied into {@code buffer} (1 to {@code size}), or an {@code AVERROR} ({@code AVERROR_EOF} at the end) */
        default int read(BytePointer buffer, int size) {
            return AVERROR_EXTERNAL();
        }

        /** @return {@code size} once the {@code size} bytes of {@code buffer} are taken, or an {@code AVERROR} */
        default int write(BytePointer buffer, int size) {
            return AVERROR_EXTERNAL();
        }

        /**
         * @param whence as FFmpeg gives it; {@link #target} reads it
         * @return the new position, the size when {@link #SIZE_ASKED}, or an {@code AVERROR}
         */
        long seek(long offset, int whence);
    }

    private static final Map<Long, Endpoint> OPEN = new ConcurrentHashMap<>();
    private static final AtomicLong IDS = new AtomicLong();

    private static final Read_packet_Pointer_BytePointer_int READ = new Read_packet_Pointer_BytePointer_int() {
        @Override
        public int call(Pointer opaque, BytePointer buffer, int size) {
            Endpoint endpoint = OPEN.get(opaque.address());
            return endpoint == null ? AVERROR_EXTERNAL() : endpoint.read(buffer, size);
        }
    };

    private static final Write_packet_Pointer_BytePointer_int WRITE = new Write_packet_Pointer_BytePointer_int() {
        @Override
        public int call(Pointer opaque, BytePointer buffer, int size) {
            Endpoint endpoint = OPEN.get(opaque.address());
            return endpoint == null ? AVERROR_EXTERNAL() : endpoint.write(buffer, size);
        }
    };

    private static final Seek_Pointer_long_int SEEK = new Seek_Pointer_long_int() {
        @Override
        public long call(Pointer opaque, long offset, int whence) {
            Endpoint endpoint = OPEN.get(opaque.address());
            return endpoint == null ? AVERROR_EXTERNAL() : endpoint.seek(offset, whence);
        }
    };

    /** An id carried as a pointer's address: never dereferenced, so it needs no memory. */
    private static final class Id extends Pointer {
        Id(long id) {
            address = id;
        }
    }

    private final long id;
    private final AVIOContext context;

    private NativeIo(Endpoint endpoint, boolean writes) {
        BytePointer buffer = new BytePointer(av_malloc(BUFFER_BYTES));
        if (buffer.isNull()) {
            throw new OutOfMemoryError("FFmpeg could not allocate an AVIO buffer");
        }
        this.id = IDS.incrementAndGet(); // from 1: never a null pointer
        this.context = avio_alloc_context(buffer.capacity(BUFFER_BYTES), BUFFER_BYTES, writes ? 1 : 0, new Id(id),
                writes ? null : READ, writes ? WRITE : null, SEEK);
        if (context == null || context.isNull()) {
            av_free(buffer);
            throw new OutOfMemoryError("FFmpeg could not allocate an AVIOContext");
        }
        OPEN.put(id, endpoint);
    }

    /** @return a read-only, seekable context over {@code input}; the caller closes it */
    static NativeIo reading(Endpoint input) {
        return new NativeIo(input, false);
    }

    /** @return a write-only, seekable context into {@code output}; the caller closes it */
    static NativeIo writing(Endpoint output) {
        return new NativeIo(output, true);
    }

    AVIOContext context() {
        return context;
    }

    /**
     * @param whence   FFmpeg's seek mode: {@code SEEK_SET}, {@code SEEK_CUR}, {@code SEEK_END} or
     *                 {@code AVSEEK_SIZE}, with or without {@code AVSEEK_FORCE}
     * @param position where the stream is now
     * @param size     the stream's length now
     * @return the absolute position asked for, {@link #SIZE_ASKED}, or -1 for a mode it does not know
     */
    static long target(long offset, int whence, long position, long size) {
        int mode = whence & ~AVSEEK_FORCE;
        return switch (mode) {
            case AVSEEK_SIZE -> SIZE_ASKED;
            case 0 -> offset; // SEEK_SET
            case 1 -> position + offset; // SEEK_CUR
            case 2 -> size + offset; // SEEK_END
            default -> -1;
        };
    }

    /** Frees the context; once (later calls do nothing). */
    @Override
    public void close() {
        if (context.isNull()) {
            return; // avio_context_free nulled it
        }
        OPEN.remove(id);
        av_free(context.buffer());
        context.buffer(null);
        avio_context_free(context);
    }
}
