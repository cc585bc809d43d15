package io.storycast.media.ffmpeg;

import io.netty.buffer.ByteBuf;
import io.storycast.media.profile.Fit;
import io.storycast.media.profile.VideoRendition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The choice of OpenH264 on any machine, with or without a system {@code libopenh264}: the bundled encoder's
 * stream, and how a missing or foreign library is refused. The system library's own stream is checked where it
 * is installed ({@code SystemOpenH264Test}, the {@code with-media-tools} profile).
 */
class H264EncodersTest {
    @RegisterExtension
    final VideoFixture fixture = new VideoFixture(H264Encoders.bundled());

    @Test
    void bundledEncoderMakesConstrainedBaselineWithAnIdrPictureEveryGop() throws Exception {
        ByteBuf clip = fixture.input(TestVideos.clip(640, 360, 30, 2, TestVideos.Audio.AAC));
        VideoRendition rendition = new VideoRendition("story", 360, 640, 30, 1, 600_000, 96_000, 60, 0, Fit.COVER, "test");

        List<ProbedVideo> made = fixture.outputs(clip, rendition);

        assertThat(made).hasSize(1);
        ProbedVideo video = made.get(0);
        assertThat(video.videoCodec()).isEqualTo("h264");
        assertThat(video.videoProfile()).isEqualTo("Constrained Baseline");
        assertThat(video.decodedFrames()).isEqualTo(60);
        assertThat(video.keyframes()).containsExactly(0, 30);
    }

    @Test
    void autoFallsBackToTheBundledEncoderSayingWhy() {
        H264Encoders chosen = H264Encoders.auto("libopenh264-not-installed.so.99");

        assertThat(chosen.usesSystemLibrary()).isFalse();
        assertThat(chosen.description()).startsWith("FFmpeg's bundled libopenh264")
                .contains("cannot load libopenh264-not-installed.so.99");
    }

    @Test
    void rejectsAMissingSystemLibraryNamingIt() {
        assertThatThrownBy(() -> H264Encoders.system("/nonexistent/libopenh264.so.7"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot load /nonexistent/libopenh264.so.7");
    }

    @Test
    void rejectsALibraryThatIsNotOpenH264() {
        // The C library is on every Linux this runs on, and exports no OpenH264 function.
        assertThatThrownBy(() -> H264Encoders.system("libc.so.6"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("libc.so.6 is not OpenH264");
    }
}
