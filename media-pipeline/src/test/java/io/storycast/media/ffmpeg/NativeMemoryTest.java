package io.storycast.media.ffmpeg;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.storycast.media.MediaLimits;
import io.storycast.media.MediaRejectedException;
import io.storycast.media.Rendition;
import io.storycast.media.profile.Fit;
import io.storycast.media.profile.ImageRendition;
import io.storycast.media.profile.VideoRendition;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Native memory comes back after every job: FFmpeg's structs are freed on success and on rejection alike.
 * Netty's pool and leak detector watch the Java side's buffers; this watches what no Java tool sees, the
 * process's resident memory outside the JVM's own heap and pools.
 */
class NativeMemoryTest {
    private static final PooledByteBufAllocator ALLOCATOR = new PooledByteBufAllocator(true, 0, 1, 8192, 9, 0, 0, false);
    private static final int WARM_UP_JOBS = 200;
    private static final int JOBS = 1_000;
    private static final int BLOCK = 100;
    /**
     * Why 32 MiB catches a real leak: the floors compared are 700 jobs apart, and each job decodes 320x240
     * pictures (115 KB each with FFmpeg's padding), so one picture or AVIO buffer (64 KB) left behind per
     * job raises the floor by 45 to 80 MB, and a leaked decoder, encoder, filter graph or muxer (each holds
     * several such buffers) by far more (a decoder left open per job measured +2.4 GB); about 48 KB per job
     * is the smallest leak this sees, smaller ones (a bare struct) it does not. Without a leak the floor
     * moved by up to about 13 MB with glibc's default arenas (one per thread that each job starts; once
     * 38 MB on a busy CI machine), and by 4 to 7 MB since the module's tests run with
     * {@code MALLOC_ARENA_MAX=2} (media-pipeline/pom.xml). Encoding through the system OpenH264 (the default where
     * it is installed), the floor wandered by 30 to 40 MB in three runs of three until the tests also fixed glibc's
     * mmap threshold ({@code MALLOC_MMAP_THRESHOLD_}, see the pom), and by 5 to 16 MB after; over 2,000 jobs it
     * rose by 1.3 MB, so it wanders, it does not grow.
     */
    private static final long TOLERANCE_BYTES = 32L << 20;

    private final VideoTranscoder videos = new VideoTranscoder(ALLOCATOR, VideoTranscoder.DEFAULT_THREADS, encoders());
    private final ImageTranscoder images = new ImageTranscoder(ALLOCATOR);

    /** @return the OpenH264 the video jobs encode with: FFmpeg's bundled one here, the system's in a subclass */
    H264Encoders encoders() {
        return H264Encoders.bundled();
    }

    @Test
    void nativeMemoryReturnsToItsBaselineAfterAThousandJobs() throws Exception {
        ByteBuf clip = TestVideos.clip(320, 240, 30, 0.3, TestVideos.Audio.AAC);
        ByteBuf pcmClip = TestVideos.clip(320, 240, 25, 0.3, TestVideos.Audio.PCM);
        // HDR (tone mapped through zscale), mirrored by its display matrix, sound that starts late (re-encoded).
        ByteBuf hdrClip = new TestClip(320, 240, 30).seconds(0.3).hdr(TestClip.Transfer.PQ).audioDelay(0.1)
                .displayMatrix(VideoPictureTest.matrix(90, true, false)).make();
        ByteBuf photo = TestImages.redBlueJpeg(320, 240);
        try {
            for (int i = 0; i < WARM_UP_JOBS; i++) {
                job(i, clip, pcmClip, hdrClip, photo);
            }
            // Resident memory is noisy (malloc arenas of FFmpeg's worker threads, GC): it jumps by tens of MB
            // and back. A leak raises the floor instead, job after job. So: the lowest reading of the first
            // three blocks of 100 jobs against the lowest of the last three, 700 jobs apart.
            long[] afterBlock = new long[JOBS / BLOCK];
            long started = System.nanoTime();
            for (int i = 0; i < JOBS; i++) {
                job(i, clip, pcmClip, hdrClip, photo);
                if (i % BLOCK == BLOCK - 1) {
                    afterBlock[i / BLOCK] = nativeBytes();
                }
            }
            long early = Math.min(afterBlock[0], Math.min(afterBlock[1], afterBlock[2]));
            int n = afterBlock.length;
            long late = Math.min(afterBlock[n - 1], Math.min(afterBlock[n - 2], afterBlock[n - 3]));
            System.out.printf("native memory over %d jobs (%d ms): %+d KiB from the early floor to the late one%n", JOBS,
                    (System.nanoTime() - started) / 1_000_000, (late - early) / 1024);
            assertThat(late - early).as("bytes the process's floor rose outside the JVM's heap and pools").isLessThan(TOLERANCE_BYTES);
        } finally {
            clip.release();
            pcmClip.release();
            hdrClip.release();
            photo.release();
        }
    }

    /**
     * One job of a mix: mostly videos (AAC copied, PCM re-encoded, split into segments, HDR tone mapped), images,
     * and rejections.
     */
    private void job(int i, ByteBuf clip, ByteBuf pcmClip, ByteBuf hdrClip, ByteBuf photo) throws MediaRejectedException {
        VideoRendition video = new VideoRendition("story", 180, 320, 30, 1, 300_000, 64_000, 1, 0, Fit.COVER, "test");
        switch (i % 6) {
            case 0 -> releaseAll(images.transcode(photo, Map.of("p", List.of(
                    new ImageRendition("story", 180, 320, "jpeg", 80, Fit.COVER, 0, "test"))), MediaLimits.DEFAULTS));
            case 1 -> {
                // Cut inside the moov box: refused after FFmpeg allocated its demuxer.
                ByteBuf cut = clip.retainedSlice(clip.readerIndex(), clip.readableBytes() - 200);
                try {
                    releaseAll(videos.transcode(cut, Map.of("p", video), MediaLimits.DEFAULTS));
                } catch (MediaRejectedException expected) {
                    // the point: nothing left behind
                } finally {
                    cut.release();
                }
            }
            case 2 -> releaseAll(videos.transcode(pcmClip, Map.of("p", video), MediaLimits.DEFAULTS));
            case 5 -> releaseAll(videos.transcode(hdrClip, Map.of("p", video), MediaLimits.DEFAULTS));
            default -> releaseAll(videos.transcode(clip, Map.of("a", video, "b", new VideoRendition("story", 90, 160, 30, 1,
                    200_000, 64_000, 60, 0, Fit.PAD, "test")), MediaLimits.DEFAULTS));
        }
    }

    private static void releaseAll(Map<String, List<Rendition>> made) {
        made.values().forEach(renditions -> renditions.forEach(Rendition::release));
    }

    /** @return resident bytes less what the JVM has committed for its heap and its own pools */
    private static long nativeBytes() throws IOException {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long committed = memory.getHeapMemoryUsage().getCommitted() + memory.getNonHeapMemoryUsage().getCommitted();
        return residentBytes() - committed;
    }

    private static long residentBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
