package io.storycast.media.ffmpeg;

import io.netty.buffer.ByteBuf;
import io.storycast.media.MediaProblem;
import io.storycast.media.MediaRejectedException;
import io.storycast.media.profile.Fit;
import io.storycast.media.profile.VideoRendition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_PRI_BT709;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_SPC_BT709;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_TRC_BT709;
import static org.bytedeco.ffmpeg.global.avutil.av_display_matrix_flip;
import static org.bytedeco.ffmpeg.global.avutil.av_display_rotation_set;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The picture as the source means it to be seen: non-square pixels shown at their display aspect ratio,
 * display matrices that flip as well as turn, HDR brought to SDR. Clips made in the test, outputs decoded
 * again and their pixels looked at.
 */
class VideoPictureTest {
    @RegisterExtension
    final VideoFixture fixture = new VideoFixture();

    private static VideoRendition story(Fit fit) {
        return new VideoRendition("story", 360, 640, 30, 1, 600_000, 96_000, 60, 0, fit, "test");
    }

    @Test
    void showsAnamorphicPixelsAtTheirDisplayAspectRatio() throws Exception {
        // 480x360 stored with 4:3 pixels displays as 640x360 (16:9): padded into 360x640 it is 360x202, with
        // bands of 219 rows above and below. Taken as square pixels (4:3) it would be 360x270, bands of 185.
        ByteBuf anamorphic = fixture.input(new TestClip(480, 360, 30).seconds(0.5).audio(TestVideos.Audio.NONE)
                .sampleAspectRatio(4, 3).make());

        ProbedVideo padded = fixture.outputs(anamorphic, story(Fit.PAD)).get(0);

        assertThat(padded.width()).isEqualTo(360);
        assertThat(padded.first().firstLitRow()).as("the band above a 16:9 picture").isCloseTo(219, within(2));
        assertThat(padded.first().sarNum()).as("square pixels (or none said)").isEqualTo(padded.first().sarDen());
    }

    /** A colour the test expects at a pixel of the output, and why. */
    private record Seen(int x, int y, int[] yuv, String where) {
    }

    /**
     * The source for the display matrices: 320x180 stored, left half red, right half blue, a green band on top.
     * Padded into 360x640, the 16:9 picture spans rows 219 to 420.
     */
    static Stream<Arguments> displayMatrices() {
        return Stream.of(
                arguments("a matrix that mirrors the picture left to right", 0, true, false, Fit.PAD, List.of(
                        new Seen(90, 320, TestPictures.BLUE, "left, once mirrored: blue"),
                        new Seen(270, 320, TestPictures.RED, "right, once mirrored: red"),
                        new Seen(180, 226, TestPictures.GREEN, "top: the green band, still on top"))),
                arguments("a matrix that turns the picture upside down in a mirror", 0, false, true, Fit.PAD, List.of(
                        new Seen(90, 320, TestPictures.RED, "left: red"),
                        new Seen(270, 320, TestPictures.BLUE, "right: blue"),
                        new Seen(180, 414, TestPictures.GREEN, "bottom, once flipped: the green band"))),
                // A quarter turn clockwise, then mirrored: stored (x, y) is shown at (y, x), a transpose. Red (left)
                // goes to the top and blue to the bottom, as the turn alone would do; the green band (top) goes to the
                // left, where the turn alone would put it on the right.
                arguments("a front camera's matrix: a quarter turn, mirrored", 90, true, false, Fit.COVER, List.of(
                        new Seen(300, 160, TestPictures.RED, "top: red"),
                        new Seen(300, 480, TestPictures.BLUE, "bottom: blue"),
                        new Seen(20, 160, TestPictures.GREEN, "left: the green band"),
                        new Seen(20, 480, TestPictures.GREEN, "left, lower down: the green band"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("displayMatrices")
    void showsThePictureAsItsDisplayMatrixTurnsAndMirrorsIt(String what, double clockwise, boolean horizontalFlip, boolean verticalFlip,
                                                            Fit fit, List<Seen> expected) throws Exception {
        ProbedVideo.Picture shown = shown(matrix(clockwise, horizontalFlip, verticalFlip), fit);

        for (Seen seen : expected) {
            assertColour(shown, seen.x(), seen.y(), seen.yuv(), what + ", " + seen.where());
        }
    }

    @ParameterizedTest
    @EnumSource(value = TestClip.Transfer.class, names = {"PQ", "HLG"})
    void bringsHdrToEightBitBt709Sdr(TestClip.Transfer transfer) throws Exception {
        assertToneMapped(hdr(transfer));
    }

    /**
     * The HDR clip's 100-nit grey lands in SDR's upper mid-tones and its 1000-nit grey at SDR white, both grey;
     * its red stays red; the stream says BT.709. Its 10-bit code values merely cut to 8 bits would put the
     * greys at about 127 and 180.
     */
    private static void assertToneMapped(ProbedVideo.Picture shown) {
        assertThat(shown.yuv(90, 200)).as("100 nits").satisfies(yuv -> {
            assertThat(yuv[0]).isBetween(160, 195);
            assertThat(yuv[1]).isCloseTo(128, within(4));
            assertThat(yuv[2]).isCloseTo(128, within(4));
        });
        assertThat(shown.yuv(270, 200)).as("1000 nits").satisfies(yuv -> {
            assertThat(yuv[0]).isBetween(228, 240);
            assertThat(yuv[1]).isCloseTo(128, within(4));
            assertThat(yuv[2]).isCloseTo(128, within(4));
        });
        assertThat(shown.yuv(90, 560)).as("BT.709 red at 100 nits").matches(yuv -> yuv[2] > 190 && yuv[2] > yuv[1] + 60);
        assertThat(new int[]{shown.primaries(), shown.transfer(), shown.matrix()}).as("primaries, transfer, matrix")
                .containsExactly(AVCOL_PRI_BT709, AVCOL_TRC_BT709, AVCOL_SPC_BT709);
    }

    @Test
    void refusesHdrThatTheBuildCannotConvertNamingWhatItIs() {
        assertThatThrownBy(() -> ColourConversion.require("no-such-filter", "HDR video (PQ)"))
                .isInstanceOfSatisfying(MediaRejectedException.class, e -> {
                    assertThat(e.problem()).isEqualTo(MediaProblem.UNSUPPORTED_TYPE);
                    assertThat(e.getMessage()).isEqualTo("HDR video (PQ) cannot be converted to SDR: this FFmpeg build has no no-such-filter filter");
                });
    }

    /** @return the first picture made of a portrait 10-bit BT.2020 clip ({@link TestPictures#paintHdr}) */
    private ProbedVideo.Picture hdr(TestClip.Transfer transfer) throws Exception {
        ByteBuf clip = fixture.input(new TestClip(180, 320, 30).seconds(0.2).audio(TestVideos.Audio.NONE).hdr(transfer).make());
        ProbedVideo made = fixture.outputs(clip, story(Fit.COVER)).get(0);
        assertThat(made.videoCodec()).isEqualTo("h264");
        return made.first();
    }

    @ParameterizedTest(name = "{0} degrees clockwise, mirrored {1}, flipped {2}: \"{3}\"")
    @CsvSource({
            "0, false, false, ''",
            "0, true, false, hflip",
            "0, false, true, vflip",
            "180, false, false, 'hflip,vflip'",
            "180, true, false, vflip", // half a turn, mirrored: upside down
            "90, false, false, transpose=clock",
            "-90, false, false, transpose=cclock",
            "90, true, false, transpose=cclock_flip",
            "-90, true, false, transpose=clock_flip",
            "80, false, false, transpose=clock", // rounded to the nearest quarter turn
    })
    void namesOneFilterForEachOrientationOfADisplayMatrix(double clockwise, boolean horizontalFlip, boolean verticalFlip, String filters) {
        assertThat(filters(matrix(clockwise, horizontalFlip, verticalFlip))).isEqualTo(filters);
    }

    @Test
    void namesNoFilterForAMatrixThatShowsNothing() {
        assertThat(filters(new int[]{0, 0, 0, 0, 0, 0, 0, 0, 1 << 30})).isEmpty();
    }

    private static String filters(int[] matrix) {
        return VideoDecoder.upright(matrix[0] / 65536.0, matrix[1] / 65536.0, matrix[3] / 65536.0, matrix[4] / 65536.0);
    }

    /**
     * @return the display matrix that turns the picture {@code clockwise} degrees and then mirrors it as asked
     *         (as FFmpeg's {@code av_display_rotation_set} and {@code av_display_matrix_flip} make it)
     */
    static int[] matrix(double clockwise, boolean horizontalFlip, boolean verticalFlip) {
        int[] matrix = new int[9];
        av_display_rotation_set(matrix, clockwise);
        av_display_matrix_flip(matrix, horizontalFlip ? 1 : 0, verticalFlip ? 1 : 0);
        return matrix;
    }

    private ProbedVideo.Picture shown(int[] displayMatrix, Fit fit) throws Exception {
        ByteBuf clip = fixture.input(new TestClip(320, 180, 30).seconds(0.2).audio(TestVideos.Audio.NONE).topBand()
                .displayMatrix(displayMatrix).make());
        return fixture.outputs(clip, story(fit)).get(0).first();
    }

    private static void assertColour(ProbedVideo.Picture picture, int x, int y, int[] yuv, String where) {
        assertThat(picture.yuv(x, y)).as(where + " at " + x + "," + y)
                .satisfies(found -> assertThat(found[0]).isCloseTo(yuv[0], within(12)))
                .satisfies(found -> assertThat(found[1]).isCloseTo(yuv[1], within(12)))
                .satisfies(found -> assertThat(found[2]).isCloseTo(yuv[2], within(12)));
    }
}
