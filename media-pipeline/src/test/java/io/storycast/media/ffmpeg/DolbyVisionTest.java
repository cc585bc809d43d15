package io.storycast.media.ffmpeg;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.storycast.media.MediaLimits;
import io.storycast.media.MediaProblem;
import io.storycast.media.MediaRejectedException;
import io.storycast.media.probe.DolbyVisionConfig;
import io.storycast.media.profile.Fit;
import io.storycast.media.profile.VideoRendition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_PRI_BT709;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_SPC_BT709;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_TRC_BT709;

/**
 * Dolby Vision, told by the configuration record in the MP4/QuickTime sample entry ({@code dvcC}/{@code dvvC}),
 * which the clips here carry as a camera writes it. The pictures are not Dolby Vision (this FFmpeg build encodes
 * no HEVC and writes no RPU): they are H.264 in MP4, for which the muxer writes the record (it wrote none for
 * ProRes in QuickTime), with the colour tags of the base layer the record claims. Profile 5 is refused from its
 * record before anything is decoded, read from the bytes ({@link DolbyVisionConfig}, as the gateway does on its
 * event loop) and as the demuxer reads it ({@link DolbyVision}); profiles 8.1 and 8.4 go through the usual HDR
 * path over their PQ or HLG base layer.
 */
class DolbyVisionTest {
    @RegisterExtension
    final VideoFixture fixture = new VideoFixture();

    private static VideoRendition story() {
        return new VideoRendition("story", 360, 640, 30, 1, 600_000, 96_000, 60, 0, Fit.COVER, "test");
    }

    @Test
    void refusesProfileFiveFromItsConfigurationRecordNamingWhy() {
        ByteBuf clip = fixture.input(new TestClip(180, 320, 30).seconds(0.2).audio(TestVideos.Audio.NONE).dolbyVision(5, 0).make());
        assertThat(holds(clip, "dvcC")).as("the clip carries a dvcC box").isTrue();

        assertThatThrownBy(() -> fixture.outputs(clip, story())).satisfies(DolbyVisionTest::assertProfileFiveRefused);
    }

    @Test
    void readsTheRecordFromTheBytesAsTheDemuxerDoes() {
        ByteBuf five = fixture.input(new TestClip(180, 320, 30).seconds(0.2).audio(TestVideos.Audio.NONE).dolbyVision(5, 0).make());
        ByteBuf eightFour = fixture.input(new TestClip(180, 320, 30).seconds(0.2).audio(TestVideos.Audio.NONE).hdr(TestClip.Transfer.HLG)
                .dolbyVision(8, 4).make());
        ByteBuf plain = fixture.input(new TestClip(180, 320, 30).seconds(0.2).audio(TestVideos.Audio.NONE).make());

        assertThat(DolbyVisionConfig.read(five)).contains(new DolbyVisionConfig(5, 0, true));
        assertThat(DolbyVisionConfig.read(eightFour)).contains(new DolbyVisionConfig(8, 4, true));
        assertThat(DolbyVisionConfig.read(plain)).isEmpty();
        assertThat(five.readerIndex()).isZero();
    }

    @Test
    void theDemuxersReadingOfProfileFiveIsRefusedToo() {
        // The transcoder's own check, on the record FFmpeg hands the decoder, behind the byte-level one.
        ByteBuf clip = fixture.input(new TestClip(180, 320, 30).seconds(0.2).audio(TestVideos.Audio.NONE).dolbyVision(5, 0).make());

        assertThatThrownBy(() -> VideoSource.open(clip, MediaLimits.DEFAULTS, System.nanoTime() + 60_000_000_000L).close())
                .satisfies(DolbyVisionTest::assertProfileFiveRefused);
    }

    private static void assertProfileFiveRefused(Throwable thrown) {
        assertThat(thrown).isInstanceOfSatisfying(MediaRejectedException.class, e -> {
            assertThat(e.problem()).isEqualTo(MediaProblem.UNSUPPORTED_TYPE);
            assertThat(e.getMessage()).startsWith("Dolby Vision profile 5 with signal compatibility 0 is not supported")
                    .contains("no HDR10, HLG or SDR base layer");
        });
    }

    @ParameterizedTest(name = "profile 8.{1} over {0}")
    @CsvSource({"PQ, 1", "HLG, 4"})
    void bringsProfileEightWithAnHdrBaseLayerToSdr(TestClip.Transfer transfer, int compatibility) throws Exception {
        ByteBuf clip = fixture.input(new TestClip(180, 320, 30).seconds(0.2).audio(TestVideos.Audio.NONE).hdr(transfer)
                .dolbyVision(8, compatibility).make());
        assertThat(holds(clip, "dvvC")).as("the clip carries a dvvC box").isTrue();

        ProbedVideo made = fixture.outputs(clip, story()).get(0);

        assertThat(made.videoCodec()).isEqualTo("h264");
        ProbedVideo.Picture shown = made.first();
        // Brought from BT.2020 PQ or HLG to BT.709 SDR, as VideoPictureTest checks in detail for plain HDR.
        assertThat(new int[]{shown.primaries(), shown.transfer(), shown.matrix()}).as("primaries, transfer, matrix")
                .containsExactly(AVCOL_PRI_BT709, AVCOL_TRC_BT709, AVCOL_SPC_BT709);
    }

    @Test
    void keepsAnSdrBaseLayerAsItIs() throws Exception {
        ByteBuf clip = fixture.input(new TestClip(180, 320, 30).seconds(0.2).audio(TestVideos.Audio.NONE).dolbyVision(8, 2).make());

        assertThat(fixture.outputs(clip, story())).singleElement().satisfies(made -> assertThat(made.videoCodec()).isEqualTo("h264"));
    }

    @ParameterizedTest(name = "profile {0}.{1}, base layer {2}: plays without Dolby Vision {3}")
    @CsvSource({
            "5, 0, true, false",
            "10, 0, true, false", // AV1 without a compatible base
            "8, 0, true, false",
            "1, 0, true, false", "3, 0, true, false", // the old non-backward-compatible profiles
            "8, 1, true, true", "8, 2, true, true", "8, 4, true, true",
            "10, 1, true, true", "10, 4, true, true",
            "7, 6, true, true", // dual layer over an HDR10 base
            "9, 2, true, true", // AVC over SDR
            "4, 0, true, true", // an old record that leaves the field 0 over an SDR base
            "8, 1, false, false", // an enhancement layer alone
    })
    void tellsWhichProfilesHaveABaseLayerOfTheirOwn(int profile, int compatibility, boolean baseLayer, boolean plays) {
        assertThat(new DolbyVisionConfig(profile, compatibility, baseLayer).playsWithoutDolbyVision()).isEqualTo(plays);
    }

    private static boolean holds(ByteBuf clip, String boxType) {
        ByteBuf type = Unpooled.copiedBuffer(boxType, StandardCharsets.US_ASCII);
        try {
            return ByteBufUtil.indexOf(type, clip) >= 0;
        } finally {
            type.release();
        }
    }
}
