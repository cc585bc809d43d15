package io.storycast.media.ffmpeg;

import io.netty.buffer.ByteBuf;
import io.storycast.media.MediaLimits;
import io.storycast.media.Rendition;
import io.storycast.media.openh264.OpenH264Library;
import io.storycast.media.profile.Fit;
import io.storycast.media.profile.VideoRendition;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_PRI_BT709;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_SPC_BT709;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_TRC_BT709;

/**
 * The transcoder encoding through the system's {@code libopenh264.so.7} (Debian's {@code libopenh264-7}, which
 * {@code .ci/run} installs for the {@code with-media-tools} profile): the same stream as through FFmpeg's
 * bundled OpenH264, read back by decoding both.
 */
@Tag("media-tools")
class SystemOpenH264Test {
    private static final H264Encoders SYSTEM = H264Encoders.system(OpenH264Library.DEFAULT_LIBRARY);

    @RegisterExtension
    final VideoFixture system = new VideoFixture(SYSTEM);

    private static VideoRendition rendition(int maxSegmentSeconds) {
        return new VideoRendition("story", 360, 640, 30, 1, 600_000, 96_000, maxSegmentSeconds, 0, Fit.COVER, "test");
    }

    @Test
    void loadsDebiansLibraryAndSaysSo() {
        assertThat(SYSTEM.description()).startsWith("system libopenh264.so.7 (OpenH264 2.");
    }

    @Test
    void makesTheStreamTheBundledEncoderMakes() throws Exception {
        ByteBuf clip = system.input(new TestClip(640, 360, 30).seconds(3).textured().audio(TestVideos.Audio.AAC).make());

        ProbedVideo fast = only(system.outputs(clip, rendition(60)));
        ProbedVideo reference = only(system.outputs(clip, rendition(60), H264Encoders.bundled()));

        assertThat(fast.videoProfile()).isEqualTo(reference.videoProfile()).isEqualTo("Constrained Baseline");
        assertThat(fast.width()).isEqualTo(360);
        assertThat(fast.height()).isEqualTo(640);
        assertThat(fast.decodedFrames()).isEqualTo(reference.decodedFrames()).isEqualTo(90);
        assertThat(fast.videoPts()).isEqualTo(reference.videoPts());
        assertThat(fast.keyframes()).isEqualTo(reference.keyframes()).containsExactly(0, 30, 60);
        assertThat(fast.audioCodec()).isEqualTo("aac");
        assertThat(fast.videoDurationMillis()).isEqualTo(reference.videoDurationMillis());
        // Same encoder decisions on the same pictures: the first pictures decode to nearly the same pixels.
        assertThat(meanAbsoluteDifference(fast.first().luma(), reference.first().luma())).isLessThan(2.0);
        assertThat(fast.first().sarNum()).isEqualTo(1);
        assertThat(fast.first().sarDen()).isEqualTo(1);
    }

    @Test
    void splitsIntoSegmentsThatEachStartOnAnIdrPicture() throws Exception {
        ByteBuf clip = system.input(TestVideos.clip(640, 360, 30, 2.5, TestVideos.Audio.AAC));

        List<ProbedVideo> segments = system.outputs(clip, rendition(1));

        assertThat(segments).hasSize(3);
        assertThat(segments).allSatisfy(segment -> assertThat(segment.keyframes()).startsWith(0));
        assertThat(segments.stream().mapToInt(ProbedVideo::decodedFrames).sum()).isEqualTo(75);
    }

    @Test
    void writesTheColoursOfTheStreamIntoIt() throws Exception {
        // HDR10 is tone-mapped to BT.709, and the stream's VUI says so, as through FFmpeg's encoder.
        ByteBuf clip = system.input(new TestClip(640, 360, 30).seconds(0.5).hdr(TestClip.Transfer.PQ).make());

        ProbedVideo.Picture fast = only(system.outputs(clip, rendition(60))).first();
        ProbedVideo.Picture reference = only(system.outputs(clip, rendition(60), H264Encoders.bundled())).first();

        assertThat(new int[]{fast.primaries(), fast.transfer(), fast.matrix()})
                .containsExactly(AVCOL_PRI_BT709, AVCOL_TRC_BT709, AVCOL_SPC_BT709)
                .containsExactly(reference.primaries(), reference.transfer(), reference.matrix());
    }

    @Test
    void aByteCapLowersTheBitRateSoTheSegmentFits() throws Exception {
        ByteBuf clip = system.input(TestVideos.texturedClip(320, 568, 30, 2));
        VideoRendition capped = new VideoRendition("story", 360, 640, 30, 1, 5_000_000, 96_000, 2, 150_000, Fit.COVER, "test");

        Map<String, List<Rendition>> made = system.transcoder().transcode(clip, Map.of("p", capped), MediaLimits.DEFAULTS);
        try {
            Rendition segment = made.get("p").get(0);
            assertThat(segment.bytes().readableBytes()).isLessThanOrEqualTo(150_000);
            assertThat(ProbedVideo.of(segment.bytes()).decodedFrames()).isEqualTo(60);
        } finally {
            made.values().forEach(renditions -> renditions.forEach(Rendition::release));
        }
    }

    private static ProbedVideo only(List<ProbedVideo> outputs) {
        assertThat(outputs).hasSize(1);
        return outputs.get(0);
    }

    private static double meanAbsoluteDifference(byte[] a, byte[] b) {
        assertThat(a.length).isEqualTo(b.length);
        long sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.abs((a[i] & 0xFF) - (b[i] & 0xFF));
        }
        return (double) sum / a.length;
    }
}
