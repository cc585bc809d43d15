package io.storycast.media.ffmpeg;

import io.netty.buffer.ByteBuf;
import io.storycast.media.profile.Fit;
import io.storycast.media.profile.VideoRendition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The picture as the source means it to be seen: non-square pixels shown at their display aspect ratio,
 * display matrices that flip as well as turn, HDR brought to SDR. Clips made in the test, outputs decoded
 * again and their pixels looked at.
 */
class VideoPictureTest {
    private final VideoFixture fixture = new VideoFixture();

    @BeforeEach
    void start() {
        fixture.start();
    }

    @AfterEach
    void releaseInputsAndCheckNothingLeaked() {
        fixture.finish();
    }

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
}
