import io.netty.buffer.ByteBuf;
import io.storycast.media.ffmpeg.TestVideos;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avutil.*;

/**
 * The Java half of the OpenH264 probe (see README.md), run as a single-file program against the shaded bench jar:
 * <pre>
 * java -cp bench/target/benchmarks.jar bench/openh264-probe/Probe.java clip textured|camera|pattern OUT.mp4
 * java -cp bench/target/benchmarks.jar bench/openh264-probe/Probe.java ffmpeg
 * java -cp bench/target/benchmarks.jar bench/openh264-probe/Probe.java encode FRAMES.yuv THREADS RUNS OUT.h264
 * </pre>
 * {@code clip} writes the 10 s 1080x1920 30 fps clip {@code VideoTranscodeBenchmark} transcodes (same
 * {@code TestVideos} call). {@code ffmpeg} prints the path of the JavaCPP build's own {@code ffmpeg} program (the
 * same libavcodec/libavfilter/libswscale the transcoder links), extracted into JavaCPP's cache. {@code encode}
 * encodes 720x1280 yuv420p frames, all loaded into memory first, with libopenh264 as JavaCPP's libavcodec links it
 * (built with {@code USE_ASM=No}), with exactly the options {@code H264Encoder} sets for the WhatsApp rendition, and
 * prints per run the CPU time of the encoding thread plus the threads libopenh264 starts from it (Linux names them
 * after it), from encoder open to flush, and the bytes out.
 */
public final class Probe {
    private static final int WIDTH = 720;
    private static final int HEIGHT = 1280;
    private static final int FPS = 30;
    private static final long BITS_PER_SECOND = 1_500_000; // H264Encoder.bitsPerSecond for WhatsApp: 1.5 Mb/s (the 16 MB cap allows 1.79)
    private static final String THREAD = "probe-encode";

    public static void main(String[] args) throws Exception {
        switch (args.length == 0 ? "" : args[0]) {
            case "clip" -> clip(args[1], Path.of(args[2]));
            case "ffmpeg" -> System.out.println(Loader.load(org.bytedeco.ffmpeg.ffmpeg.class));
            case "encode" -> encode(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]), Path.of(args[4]));
            default -> throw new IllegalArgumentException("usage: clip NAME OUT.mp4 | ffmpeg | encode FRAMES.yuv THREADS RUNS OUT.h264");
        }
    }

    private static void clip(String content, Path out) throws IOException {
        // As VideoTranscodeBenchmark.clip(content, 10).
        ByteBuf clip = switch (content) {
            case "textured" -> TestVideos.texturedClip(1080, 1920, FPS, 10);
            case "camera" -> TestVideos.cameraClip(1080, 1920, FPS, 10);
            case "pattern" -> TestVideos.clip(1080, 1920, FPS, 10, TestVideos.Audio.AAC);
            default -> throw new IllegalArgumentException("no clip " + content);
        };
        try (FileChannel file = FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            file.write(clip.nioBuffer());
        } finally {
            clip.release();
        }
    }

    private static void encode(Path yuv, int threads, int runs, Path out) throws Exception {
        av_log_set_level(AV_LOG_ERROR); // as VideoTranscoder
        List<AVFrame> frames = load(yuv);
        System.err.printf("javacpp libavcodec %s, %d frames, line sizes %d/%d, %d threads%n", (avcodec_version() >> 16) + "." + ((avcodec_version() >> 8) & 0xff),
                frames.size(), frames.get(0).linesize(0), frames.get(0).linesize(1), threads);
        for (int run = 1; run <= runs; run++) {
            long[] result = new long[3];
            int number = run;
            long processBefore = processCpuNanos();
            Thread encoder = new Thread(() -> result[0] = encodeAll(frames, threads, out, result), THREAD);
            encoder.start();
            encoder.join();
            if (result[0] < 0) {
                throw new IllegalStateException("encoding failed");
            }
            // process_cpu_ms: the whole JVM over the run (JIT, GC, thread start), beside the encoder's own threads
            System.out.printf("javacpp threads=%d run=%d frames=%d bytes=%d cpu_ms=%.1f process_cpu_ms=%.1f%n", threads, number,
                    frames.size(), result[1], result[2] / 1e6, (processCpuNanos() - processBefore) / 1e6);
        }
        frames.forEach(frame -> av_frame_free(frame));
    }

    /** @return frames in 4:2:0 AVFrames with FFmpeg's own line alignment, as the filter graph hands them out */
    private static List<AVFrame> load(Path yuv) throws IOException {
        int frameBytes = WIDTH * HEIGHT * 3 / 2;
        long count = Files.size(yuv) / frameBytes;
        List<AVFrame> frames = new ArrayList<>();
        byte[] row = new byte[WIDTH];
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(yuv), 1 << 20))) {
            for (int i = 0; i < count; i++) {
                AVFrame frame = av_frame_alloc();
                frame.format(AV_PIX_FMT_YUV420P).width(WIDTH).height(HEIGHT);
                if (av_frame_get_buffer(frame, 0) < 0) {
                    throw new IllegalStateException("no frame buffer");
                }
                for (int plane = 0; plane < 3; plane++) {
                    int width = plane == 0 ? WIDTH : WIDTH / 2;
                    int height = plane == 0 ? HEIGHT : HEIGHT / 2;
                    BytePointer data = frame.data(plane);
                    for (int y = 0; y < height; y++) {
                        in.readFully(row, 0, width);
                        data.position((long) y * frame.linesize(plane)).put(row, 0, width);
                    }
                    data.position(0);
                }
                frame.pts(i);
                frames.add(frame);
            }
        }
        return frames;
    }

    /** Fills {@code result}: [1] bytes out, [2] CPU nanoseconds of this thread and its libopenh264 threads; @return 0, or -1 */
    private static long encodeAll(List<AVFrame> frames, int threads, Path out, long[] result) {
        long cpuBefore = threadGroupCpuNanos();
        AVCodec codec = avcodec_find_encoder_by_name("libopenh264");
        AVCodecContext context = avcodec_alloc_context3(codec);
        AVPacket packet = av_packet_alloc();
        AVDictionary options = new AVDictionary(null);
        long bytes = 0;
        try (OutputStream file = new BufferedOutputStream(new FileOutputStream(out.toFile()), 1 << 20)) {
            // H264Encoder's settings, field by field.
            context.width(WIDTH).height(HEIGHT).pix_fmt(AV_PIX_FMT_YUV420P)
                    .time_base(av_make_q(1, FPS)).framerate(av_make_q(FPS, 1))
                    .sample_aspect_ratio(av_make_q(1, 1)).color_range(AVCOL_RANGE_MPEG)
                    .gop_size(FPS * 2).max_b_frames(0).bit_rate(BITS_PER_SECOND)
                    .thread_count(threads).slices(threads)
                    .rc_max_rate(BITS_PER_SECOND);
            context.flags(context.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
            av_dict_set(options, "rc_mode", "bitrate", 0);
            av_dict_set(options, "allow_skip_frames", "0", 0);
            if (avcodec_open2(context, codec, options) < 0) {
                return -1;
            }
            byte[] chunk = new byte[context.extradata_size()];
            context.extradata().get(chunk); // SPS and PPS, Annex B: the raw stream then decodes on its own
            file.write(chunk);
            for (AVFrame frame : frames) {
                frame.pict_type(AV_PICTURE_TYPE_NONE);
                bytes += send(context, frame, packet, file);
            }
            bytes += send(context, null, packet, file);
            result[2] = threadGroupCpuNanos() - cpuBefore; // before closing: libopenh264's threads end with the encoder
            result[1] = bytes;
            return 0;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            av_dict_free(options);
            avcodec_free_context(context);
            av_packet_free(packet);
        }
    }

    private static long send(AVCodecContext context, AVFrame frame, AVPacket packet, OutputStream file) throws IOException {
        if (avcodec_send_frame(context, frame) < 0) {
            throw new IllegalStateException("libopenh264 refused a frame");
        }
        long bytes = 0;
        while (avcodec_receive_packet(context, packet) >= 0) {
            byte[] chunk = new byte[packet.size()];
            packet.data().get(chunk);
            file.write(chunk);
            bytes += chunk.length;
            av_packet_unref(packet);
        }
        return bytes;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** @return CPU nanoseconds (user + system, 10 ms ticks) of this process's threads named {@value #THREAD} */
    private static long threadGroupCpuNanos() {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            long ticks = 0;
            for (Path task : (Iterable<Path>) tasks::iterator) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException ended) {
                    continue;
                }
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                if (name.startsWith(THREAD)) {
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                }
            }
            return ticks * 10_000_000L;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
