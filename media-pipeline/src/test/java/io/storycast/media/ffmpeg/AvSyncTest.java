package io.storycast.media.ffmpeg;

import io.netty.buffer.ByteBuf;
import io.storycast.media.profile.Fit;
import io.storycast.media.profile.VideoRendition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Sound and picture stay together in every output: clips with sync marks (a white picture and a beep that
 * start at the same instant, {@link TestClip#beeps()}) go through the video path, and each output, every
 * segment and an unsplit one, is read back with FFmpeg's demuxer and decoders: both tracks' first packets
 * at 0, each beep where its flash is, the sound as long as the picture, and the segments adding up to the
 * source.
 */
class AvSyncTest {
    /**
     * Copied sound: its start may be off by half an AAC frame (10.7 ms at 48 kHz), and a segment's length,
     * cut at both ends, by a whole one; plus 1 ms for the onset's own smear.
     */
    private static final double COPIED_START = 512.0 / 48_000 + 0.001;
    private static final double COPIED_LENGTH = 1024.0 / 48_000 + 0.001;
    /** Re-encoded sound is cut to the sample: 2 ms for the encoder's smear of a beep's onset, 1 ms on lengths. */
    private static final double ENCODED_START = 0.002;
    private static final double ENCODED_LENGTH = 0.001;

    @RegisterExtension
    final VideoFixture fixture = new VideoFixture();

    private static VideoRendition segmented(int maxSegmentSeconds) {
        return new VideoRendition("story", 180, 320, 30, 1, 400_000, 96_000, maxSegmentSeconds, 0, Fit.COVER, "test");
    }

    @Test
    void copiedAacStartsWithThePictureInEverySegmentAndRunsOnAcrossThem() throws Exception {
        ByteBuf clip = fixture.input(new TestClip(320, 240, 30).seconds(5).beeps().make());

        List<ProbedVideo> segments = fixture.outputs(clip, segmented(2));

        assertInStep(segments, 2, 5, COPIED_START, COPIED_LENGTH);
    }

    @Test
    void reencodedSoundIsCutToTheSampleAtEverySegment() throws Exception {
        ByteBuf clip = fixture.input(new TestClip(320, 240, 25).seconds(5).audio(TestVideos.Audio.PCM).beeps().make());

        List<ProbedVideo> segments = fixture.outputs(clip, segmented(2));

        assertInStep(segments, 2, 5, ENCODED_START, ENCODED_LENGTH);
        for (ProbedVideo segment : segments) {
            assertThat(segment.audioDurationMillis()).as("sound as long as the picture, to the millisecond: " + segment)
                    .isCloseTo(segment.videoDurationMillis(), within(1L));
        }
    }

    @Test
    void aacThatStartsLateIsReencodedWithSilenceBeforeIt() throws Exception {
        ByteBuf clip = fixture.input(new TestClip(320, 240, 30).seconds(3).audioDelay(0.25).beeps().make());

        List<ProbedVideo> segments = fixture.outputs(clip, segmented(60));

        assertInStep(segments, 60, 3, ENCODED_START, ENCODED_LENGTH);
        assertThat(segments.get(0).audioDurationMillis()).isCloseTo(3000L, within(1L));
    }

    @Test
    void aacAt44100HzIsCutWithinHalfAFrameWhereSegmentsFallMidFrame() throws Exception {
        // 2 s at 44.1 kHz is 86.13 AAC frames: every segment boundary falls inside a frame.
        ByteBuf clip = fixture.input(new TestClip(320, 240, 30).seconds(5).sampleRate(44_100).beeps().make());

        List<ProbedVideo> segments = fixture.outputs(clip, segmented(2));

        assertInStep(segments, 2, 5, 512.0 / 44_100 + 0.001, 1024.0 / 44_100 + 0.001);
    }

    @Test
    void anUnsplitVideoStartsBothTracksAtZero() throws Exception {
        ByteBuf clip = fixture.input(new TestClip(320, 240, 30).seconds(3).beeps().make());

        List<ProbedVideo> segments = fixture.outputs(clip, segmented(60));

        assertInStep(segments, 60, 3, COPIED_START, COPIED_LENGTH);
        assertThat(segments.get(0).audioDurationMillis()).as("ends with the picture").isCloseTo(3000L, within(1L));
    }

    @Test
    void renditionsSharingOneSoundEncodingEachEndItWithTheirOwnPictures() throws Exception {
        // 149 pictures at 30 fps (4.967 s) make no whole number of pictures at 25 fps: the two renditions end apart.
        // They share one AAC encoding (same bit rate and segment length), which runs to the later end; each
        // rendition's sound is cut at its own.
        ByteBuf clip = fixture.input(new TestClip(320, 240, 30).seconds(149 / 30.0).audio(TestVideos.Audio.PCM).beeps().make());
        VideoRendition twentyFive = new VideoRendition("story", 180, 320, 25, 1, 400_000, 96_000, 2, 0, Fit.COVER, "test");

        Map<String, List<ProbedVideo>> made = fixture.outputs(clip, Map.of("thirty", segmented(2), "twentyFive", twentyFive));

        double thirtyEnd = pictureSeconds(made.get("thirty"));
        double twentyFiveEnd = pictureSeconds(made.get("twentyFive"));
        assertThat(thirtyEnd).as("the 30 fps rendition's length").isCloseTo(149 / 30.0, within(0.001));
        assertThat(twentyFiveEnd).as("the 25 fps rendition ends a picture apart").isNotCloseTo(thirtyEnd, within(0.002));
        assertInStep(made.get("thirty"), 2, thirtyEnd, ENCODED_START, ENCODED_LENGTH);
        assertInStep(made.get("twentyFive"), 2, twentyFiveEnd, ENCODED_START, ENCODED_LENGTH);
    }

    private static double pictureSeconds(List<ProbedVideo> segments) {
        return segments.stream().mapToLong(ProbedVideo::videoDurationMillis).sum() / 1000.0;
    }

    /**
     * Each segment's tracks start at 0, each sync mark of its stretch of the source is seen and heard at its
     * time within the segment, its sound lasts as long as its picture, and the segments add up to the source.
     */
    private static void assertInStep(List<ProbedVideo> segments, int segmentSeconds, double sourceSeconds, double startTolerance,
                                     double lengthTolerance) {
        assertThat(segments).hasSize((int) Math.ceil(sourceSeconds / segmentSeconds));
        double pictureTotal = 0;
        double soundTotal = 0;
        for (int k = 0; k < segments.size(); k++) {
            ProbedVideo segment = segments.get(k);
            String what = "segment " + (k + 1) + ": " + segment;
            assertThat(segment.videoStartSeconds()).as(what).isZero();
            assertThat(segment.audioStartSeconds()).as(what).isZero();
            List<Double> expected = new ArrayList<>();
            for (double mark : TestPictures.MARKS) {
                if (mark >= k * segmentSeconds && mark < Math.min((k + 1) * segmentSeconds, sourceSeconds)) {
                    expected.add(mark - k * segmentSeconds);
                }
            }
            assertThat(segment.flashes()).as(what).hasSize(expected.size());
            assertThat(segment.beeps()).as(what).hasSize(expected.size());
            for (int i = 0; i < expected.size(); i++) {
                assertThat(segment.flashes().get(i)).as(what).isCloseTo(expected.get(i), within(1e-6));
                assertThat(segment.beeps().get(i)).as("beep %d of %s", i, what).isCloseTo(expected.get(i), within(startTolerance));
            }
            assertThat(segment.audioDurationMillis() / 1000.0).as("sound as long as the picture: " + what)
                    .isCloseTo(segment.videoDurationMillis() / 1000.0, within(lengthTolerance));
            pictureTotal += segment.videoDurationMillis() / 1000.0;
            soundTotal += segment.audioDurationMillis() / 1000.0;
        }
        assertThat(pictureTotal).as("the pictures of all segments").isCloseTo(sourceSeconds, within(0.001 * segments.size()));
        assertThat(soundTotal).as("the sound of all segments, neither gap nor overlap").isCloseTo(sourceSeconds, within(0.001 * segments.size()));
    }
}
