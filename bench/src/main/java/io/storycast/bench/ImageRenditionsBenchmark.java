package io.storycast.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.storycast.media.MediaLimits;
import io.storycast.media.MediaRejectedException;
import io.storycast.media.Rendition;
import io.storycast.media.ffmpeg.ImageTranscoder;
import io.storycast.media.ffmpeg.TestImages;
import io.storycast.media.profile.ImageRendition;
import io.storycast.media.profile.PlatformProfiles;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The image path of the media pipeline: a 12 MP (4000x3000) phone-sized JPEG into the three distinct image
 * renditions of the shipped profiles (1080x1920 JPEG story, 720x1280 JPEG WhatsApp status, 270x480 WebP
 * preview), decoded once, in process, off-heap. One job per invocation, on one thread.
 *
 * <pre>java -jar bench/target/benchmarks.jar ImageRenditionsBenchmark [-prof gc]</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ImageRenditionsBenchmark {
    private ByteBuf photo;
    private Map<String, List<ImageRendition>> renditions;
    private ImageTranscoder transcoder;

    @Setup(Level.Trial)
    public void makePhoto() {
        photo = TestImages.photoLikeJpeg(4000, 3000);
        PlatformProfiles profiles = PlatformProfiles.shipped();
        renditions = Map.of("instagram", profiles.of("instagram").orElseThrow().images(),
                "whatsapp", profiles.of("whatsapp").orElseThrow().images().subList(0, 1));
        transcoder = new ImageTranscoder(PooledByteBufAllocator.DEFAULT);
    }

    @TearDown(Level.Trial)
    public void release() {
        photo.release();
    }

    @Benchmark
    public int twelveMegapixelJpegIntoThreeRenditions() throws MediaRejectedException {
        Map<String, List<Rendition>> made = transcoder.transcode(photo, renditions, MediaLimits.DEFAULTS);
        int bytes = 0;
        for (List<Rendition> list : made.values()) {
            for (Rendition rendition : list) {
                bytes += rendition.bytes().readableBytes();
                rendition.release();
            }
        }
        return bytes;
    }
}
