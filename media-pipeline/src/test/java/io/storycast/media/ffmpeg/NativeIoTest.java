package io.storycast.media.ffmpeg;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.storycast.testing.LeakDetectionExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.ffmpeg.global.avformat.avio_flush;
import static org.bytedeco.ffmpeg.global.avformat.avio_read;
import static org.bytedeco.ffmpeg.global.avformat.avio_seek;
import static org.bytedeco.ffmpeg.global.avformat.avio_size;
import static org.bytedeco.ffmpeg.global.avformat.avio_write;

/**
 * FFmpeg's own AVIO functions ({@code avio_read}, {@code avio_write}, {@code avio_seek}) through our contexts,
 * as the demuxers and muxers use them: reads out of an off-heap upload, writes and seeks into off-heap bytes,
 * and each of several open contexts reaching its own Java side through the id FFmpeg hands back.
 */
@ExtendWith(LeakDetectionExtension.class)
class NativeIoTest {
    private static final PooledByteBufAllocator ALLOCATOR = PooledByteBufAllocator.DEFAULT;
    private static final int SEEK_SET = 0;
    private static final int SEEK_END = 2;
    /** More than FFmpeg's 64 KiB buffer: several reads. */
    private static final int LENGTH = 200_000;

    /** @return {@code skipped} bytes already read, then {@code LENGTH} bytes of a pattern that starts at {@code seed} */
    private static ByteBuf upload(int skipped, int seed) {
        byte[] bytes = new byte[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            bytes[i] = pattern(seed, i);
        }
        ByteBuf upload = ALLOCATOR.directBuffer(skipped + LENGTH);
        upload.writeZero(skipped).readerIndex(skipped);
        return upload.writeBytes(bytes); // one access: the leak detector records each
    }

    private static byte pattern(int seed, int i) {
        return (byte) ((i * 31 + seed) % 251);
    }

    @Test
    void readsTheUploadFromItsReaderIndexAndSeeksWithinIt() {
        ByteBuf upload = upload(7, 0);
        try (NativeInput input = new NativeInput(upload, System.nanoTime() + 60_000_000_000L)) {
            byte[] all = new byte[LENGTH];
            int read = 0;
            while (read < LENGTH) {
                int got = readInto(input, all, read);
                assertThat(got).as("read at " + read).isPositive();
                read += got;
            }
            for (int i = 0; i < LENGTH; i += 997) {
                assertThat(all[i]).as("byte " + i).isEqualTo(pattern(0, i));
            }
            assertThat(avio_read(input.context(), new byte[16], 16)).as("past the end").isNegative();

            assertThat(avio_size(input.context())).isEqualTo(LENGTH);
            assertThat(avio_seek(input.context(), 150_001, SEEK_SET)).isEqualTo(150_001);
            byte[] some = new byte[3];
            assertThat(avio_read(input.context(), some, 3)).isEqualTo(3);
            assertThat(some).containsExactly(pattern(0, 150_001), pattern(0, 150_002), pattern(0, 150_003));
            assertThat(avio_seek(input.context(), 1, SEEK_END)).as("past the end, where nothing is").isNegative();
        } finally {
            upload.release();
        }
    }

    private static int readInto(NativeInput input, byte[] all, int at) {
        byte[] chunk = new byte[Math.min(10_000, all.length - at)];
        int got = avio_read(input.context(), chunk, chunk.length);
        if (got > 0) {
            System.arraycopy(chunk, 0, all, at, got);
        }
        return got;
    }

    @Test
    void readsNothingOnceTheDeadlineHasPassed() {
        ByteBuf upload = upload(0, 0);
        try (NativeInput input = new NativeInput(upload, System.nanoTime() - 1)) {
            assertThat(avio_read(input.context(), new byte[16], 16)).isNegative();
            assertThat(input.timedOut()).isTrue();
        } finally {
            upload.release();
        }
    }

    @Test
    void eachOpenContextReachesItsOwnUpload() {
        ByteBuf first = upload(0, 1);
        ByteBuf second = upload(0, 2);
        try (NativeInput one = new NativeInput(first, System.nanoTime() + 60_000_000_000L);
             NativeInput two = new NativeInput(second, System.nanoTime() + 60_000_000_000L)) {
            byte[] fromOne = new byte[4];
            byte[] fromTwo = new byte[4];
            avio_seek(two.context(), 100, SEEK_SET);
            assertThat(avio_read(one.context(), fromOne, 4)).isEqualTo(4);
            assertThat(avio_read(two.context(), fromTwo, 4)).isEqualTo(4);
            assertThat(fromOne).containsExactly(pattern(1, 0), pattern(1, 1), pattern(1, 2), pattern(1, 3));
            assertThat(fromTwo).containsExactly(pattern(2, 100), pattern(2, 101), pattern(2, 102), pattern(2, 103));
        } finally {
            first.release();
            second.release();
        }
    }

    @Test
    void writesOverWhatIsThereAndPastTheEndFillingTheGapWithZeros() {
        ByteBuf made;
        try (NativeOutput output = new NativeOutput(ALLOCATOR, 1000)) {
            avio_write(output.context(), ascii("abcdef"), 6);
            avio_flush(output.context()); // into our bytes, so that what follows goes back over them
            assertThat(avio_seek(output.context(), 0, SEEK_SET)).isZero();
            avio_write(output.context(), ascii("X"), 1);
            assertThat(avio_seek(output.context(), 10, SEEK_SET)).isEqualTo(10);
            avio_write(output.context(), ascii("Z"), 1);
            avio_flush(output.context());
            assertThat(output.overflowed()).isFalse();
            made = output.take();
        }
        try {
            assertThat(made.toString(StandardCharsets.ISO_8859_1)).isEqualTo("Xbcdef\0\0\0\0Z");
        } finally {
            made.release();
        }
    }

    @Test
    void refusesToWritePastItsByteCap() {
        try (NativeOutput output = new NativeOutput(ALLOCATOR, 100)) {
            assertThat(avio_seek(output.context(), 101, SEEK_SET)).as("a seek past the cap").isNegative();
            assertThat(avio_seek(output.context(), 100, SEEK_SET)).as("a seek to the cap").isEqualTo(100);
            assertThat(avio_seek(output.context(), 0, SEEK_SET)).isZero();

            avio_write(output.context(), new byte[200], 200);
            avio_flush(output.context());

            assertThat(output.overflowed()).isTrue();
            assertThat(output.context().error()).as("FFmpeg sees the write fail").isNegative();
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
