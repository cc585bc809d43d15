package io.storycast.media.ffmpeg;

import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.Read_packet_Pointer_BytePointer_int;
import org.bytedeco.ffmpeg.avformat.Seek_Pointer_long_int;
import org.bytedeco.ffmpeg.avformat.Write_packet_Pointer_BytePointer_int;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import static org.bytedeco.ffmpeg.global.avformat.AVSEEK_FORCE;
import static org.bytedeco.ffmpeg.global.avformat.AVSEEK_SIZE;
import static org.bytedeco.ffmpeg.global.avformat.avio_alloc_context;
import static org.bytedeco.ffmpeg.global.avformat.avio_context_free;
import static org.bytedeco.ffmpeg.global.avutil.av_free;
import static org.bytedeco.ffmpeg.global.avutil.av_malloc;

/**
 * What {@link NativeInput} and {@link NativeOutput} share: the registry their static callbacks find them
 * in, the AVIO context's life, and the arithmetic of a seek.
 */
final class NativeIo {
    /** FFmpeg's AVIO buffer, bytes. */
    static final int BUFFER_BYTES = 64 * 1024;
    /** What a seek asks for when it asks for the size instead of a position. */
    static final long SIZE_ASKED = Long.MIN_VALUE;

    /**
     * The open inputs or outputs of one kind by id. JavaCPP keeps a small fixed number of callback thunks
     * per type, so the callbacks are static instances, and FFmpeg hands them the object's id as the
     * {@code opaque} pointer. Thread-safe.
     */
    static final class Registry<T> {
        private final Map<Long, T> open = new ConcurrentHashMap<>();
        private final AtomicLong ids = new AtomicLong();

        /** @return the id to pass as {@code opaque} */
        long add(T io) {
            long id = ids.incrementAndGet();
            open.put(id, io);
            return id;
        }

        /** @return the object whose id {@code opaque} holds, or null when it was closed */
        T get(Pointer opaque) {
            return open.get(new LongPointer(opaque).get());
        }

        void remove(long id) {
            open.remove(id);
        }
    }

    private NativeIo() {
    }

    /**
     * @param opaque holds the object's id; a read or a write callback, the other null
     * @return a context over a fresh {@link #BUFFER_BYTES} native buffer, freed by {@link #free}
     * @throws OutOfMemoryError when FFmpeg cannot allocate it (the buffer is freed first)
     */
    static AVIOContext allocate(LongPointer opaque, Read_packet_Pointer_BytePointer_int read,
                                Write_packet_Pointer_BytePointer_int write, Seek_Pointer_long_int seek) {
        BytePointer buffer = new BytePointer(av_malloc(BUFFER_BYTES)).capacity(BUFFER_BYTES);
        AVIOContext context = avio_alloc_context(buffer, BUFFER_BYTES, write == null ? 0 : 1, opaque, read, write, seek);
        if (context == null) {
            av_free(buffer);
            throw new OutOfMemoryError("FFmpeg could not allocate an AVIOContext");
        }
        return context;
    }

    /** Frees a context from {@link #allocate} and the buffer it holds now (FFmpeg may have replaced the one it was given). */
    static void free(AVIOContext context) {
        av_free(context.buffer());
        context.buffer(null);
        avio_context_free(context);
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
}
