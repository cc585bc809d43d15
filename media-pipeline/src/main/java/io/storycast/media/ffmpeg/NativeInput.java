package io.storycast.media.ffmpeg;

import io.netty.buffer.ByteBuf;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.Read_packet_Pointer_BytePointer_int;
import org.bytedeco.ffmpeg.avformat.Seek_Pointer_long_int;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;

import java.util.Objects;

import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EXIT;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EXTERNAL;

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
    private static final NativeIo.Registry<NativeInput> OPEN = new NativeIo.Registry<>();

    private static final Read_packet_Pointer_BytePointer_int READ = new Read_packet_Pointer_BytePointer_int() {
        @Override
        public int call(Pointer opaque, BytePointer buffer, int size) {
            NativeInput input = OPEN.get(opaque);
            return input == null ? AVERROR_EXTERNAL() : input.read(buffer, size);
        }
    };

    private static final Seek_Pointer_long_int SEEK = new Seek_Pointer_long_int() {
        @Override
        public long call(Pointer opaque, long offset, int whence) {
            NativeInput input = OPEN.get(opaque);
            return input == null ? AVERROR_EXTERNAL() : input.seek(offset, whence);
        }
    };

    private final long id;
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
        this.id = OPEN.add(this);
        this.opaque = new LongPointer(1).put(id);
        try {
            this.context = NativeIo.allocate(opaque, READ, null, SEEK);
        } catch (OutOfMemoryError e) {
            OPEN.remove(id);
            opaque.close();
            throw e;
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
        OPEN.remove(id);
        NativeIo.free(context);
        opaque.close();
    }
}
