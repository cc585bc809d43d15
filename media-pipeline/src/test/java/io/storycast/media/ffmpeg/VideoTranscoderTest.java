package io.storycast.media.ffmpeg;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.storycast.media.MediaLimits;
import io.storycast.media.MediaProblem;
import io.storycast.media.MediaRejectedException;
import io.storycast.media.Rendition;
import io.storycast.media.profile.Fit;
import io.storycast.media.profile.PlatformProfiles;
import io.storycast.media.profile.VideoRendition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The video path against the real FFmpeg build, with clips made in the test: every output is decoded
 * again and its boxes walked; hostile and broken inputs are refused with a typed reason; no pooled buffer
 * is left behind.
 */
class VideoTranscoderTest {
    /** Pooled and direct as in the gateway, without thread caches, so its count of live buffers is exact. */
    private static final PooledByteBufAllocator ALLOCATOR = new PooledByteBufAllocator(true, 0, 1, 8192, 9, 0, 0, false);

    private final VideoTranscoder transcoder = new VideoTranscoder(ALLOCATOR, VideoTranscoder.DEFAULT_THREADS, H264Encoders.bundled());
    private final List<ByteBuf> inputs = new ArrayList<>();
    private long liveBuffersBefore;

    @BeforeEach
    void countLiveBuffers() {
        liveBuffersBefore = liveBuffers();
    }

    @AfterEach
    void releaseInputsAndCheckNothingLeaked() {
        inputs.forEach(ByteBuf::release);
        assertThat(liveBuffers()).as("pooled direct buffers still allocated after releasing everything")
                .isEqualTo(liveBuffersBefore);
    }

    private static long liveBuffers() {
        return ALLOCATOR.metric().directArenas().stream().mapToLong(arena -> arena.numActiveAllocations()).sum();
    }

    private ByteBuf input(ByteBuf made) {
        inputs.add(made);
        return made;
    }

    /** A small rendition so tests stay fast: 9:16 at 360x640 (or as given), 30 fps, 1 s GOPs. */
    private static VideoRendition small(String name, int width, int height, int maxSegmentSeconds, Fit fit) {
        return new VideoRendition(name, width, height, 30, 1, 600_000, 96_000, maxSegmentSeconds, 0, fit, "test");
    }

    @Test
    void makesEveryPlatformsVideoFromOneDecodeAtTheShippedProfiles() throws Exception {
        ByteBuf clip = input(TestVideos.clip(640, 360, 30, 2, TestVideos.Audio.AAC));
        Map<String, VideoRendition> shipped = PlatformProfiles.shipped().platforms().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, entry -> entry.getValue().video()));

        transcoded(clip, shipped, MediaLimits.DEFAULTS, made -> {
            assertThat(made.keySet()).containsExactlyInAnyOrder("instagram", "facebook", "whatsapp", "messenger");
            made.forEach((platform, segments) -> {
                VideoRendition spec = shipped.get(platform);
                assertThat(segments).as(platform).hasSize(1);
                Rendition story = segments.get(0);
                assertThat(story.name()).isEqualTo("story");
                assertThat(story.format()).isEqualTo("mp4");
                assertThat(story.codec()).isEqualTo("h264");
                assertThat(story.durationMillis()).isEqualTo(2000);
                ProbedVideo probed = probe(story);
                assertThat(probed.width()).as(platform + " width").isEqualTo(spec.width());
                assertThat(probed.height()).as(platform + " height").isEqualTo(spec.height());
                assertThat(probed.videoCodec()).isEqualTo("h264");
                assertThat(probed.audioCodec()).isEqualTo("aac");
                assertThat(probed.decodedFrames()).isEqualTo(60);
                assertMoovFirstWithoutEditListOrMetadata(story);
                if (spec.maxBytes() > 0) {
                    assertThat((long) story.bytes().readableBytes()).isLessThanOrEqualTo(spec.maxBytes());
                }
            });
            assertThat(ByteBufUtil.equals(made.get("instagram").get(0).bytes(), made.get("facebook").get(0).bytes()))
                    .as("the same rendition is encoded once and shared").isTrue();
        });
    }

    @Test
    void splitsALongVideoIntoConsecutiveSegmentsThatEachStartOnAKeyframe() throws Exception {
        ByteBuf clip = input(TestVideos.clip(320, 240, 30, 5, TestVideos.Audio.AAC));
        VideoRendition twoSeconds = small("story", 360, 640, 2, Fit.COVER);

        transcoded(clip, Map.of("instagram", twoSeconds), MediaLimits.DEFAULTS, made -> {
            List<Rendition> segments = made.get("instagram");
            assertThat(segments).extracting(Rendition::name).containsExactly("story-1", "story-2", "story-3");
            assertThat(segments).extracting(Rendition::durationMillis).containsExactly(2000L, 2000L, 1000L);
            for (Rendition segment : segments) {
                ProbedVideo probed = probe(segment);
                int frames = (int) (segment.durationMillis() * 30 / 1000);
                assertThat(probed.decodedFrames()).as(segment.name() + " frames = duration x fps").isEqualTo(frames);
                assertThat(probed.videoPts()).hasSize(frames);
                assertThat(probed.constantFrameRate()).as(segment.name() + " constant frame rate").isTrue();
                assertThat(probed.keyframes()).as(segment.name() + " an IDR every GOP (30 frames), the first at 0")
                        .isEqualTo(java.util.stream.IntStream.range(0, frames).filter(i -> i % 30 == 0).boxed().toList());
                assertThat(probed.videoDurationMillis()).isCloseTo(segment.durationMillis(), within(34L));
                assertThat(probed.audioCodec()).isEqualTo("aac");
                assertThat(probed.audioDurationMillis()).as(segment.name() + " audio").isCloseTo(segment.durationMillis(), within(70L));
                assertMoovFirstWithoutEditListOrMetadata(segment);
            }
        });
    }

    @Test
    void honoursTheDisplayMatrixOfAPortraitPhoneVideo() throws Exception {
        // Stored landscape (left red, right blue) with a 90 degree display rotation, as a phone held upright
        // records: upright, red is on top and blue below.
        ByteBuf clip = input(TestVideos.clip(320, 180, 30, 1, TestVideos.Audio.NONE));
        rotateNinetyDegrees(clip);

        transcoded(clip, Map.of("p", small("story", 360, 640, 60, Fit.COVER)), MediaLimits.DEFAULTS, made -> {
            ProbedVideo probed = probe(made.get("p").get(0));
            assertThat(probed.width()).isEqualTo(360);
            assertThat(probed.first().uv(180, 80)).as("top: red (V above U)").matches(uv -> uv[1] > uv[0] + 60);
            assertThat(probed.first().uv(180, 560)).as("bottom: blue (U above V)").matches(uv -> uv[0] > uv[1] + 60);
        });
    }

    @Test
    void coverCropsTheSidesAndPadLetterboxes() throws Exception {
        ByteBuf wide = input(TestVideos.clip(640, 360, 30, 1, TestVideos.Audio.NONE));
        Map<String, VideoRendition> byPlatform = new LinkedHashMap<>();
        byPlatform.put("cover", small("story", 360, 640, 60, Fit.COVER));
        byPlatform.put("pad", small("story", 360, 640, 60, Fit.PAD));

        transcoded(wide, byPlatform, MediaLimits.DEFAULTS, made -> {
            assertThat(probe(made.get("cover").get(0)).first().uv(45, 160)).as("cover fills the frame: red at the upper left")
                    .matches(uv -> uv[1] > uv[0] + 60);
            assertThat(probe(made.get("pad").get(0)).first().uv(45, 160)).as("pad leaves a black band above the picture")
                    .matches(uv -> Math.abs(uv[0] - 128) < 8 && Math.abs(uv[1] - 128) < 8);
        });
    }

    @Test
    void reencodesPcmSoundToAacAndKeepsSilentVideosSilent() throws Exception {
        ByteBuf pcm = input(TestVideos.clip(320, 240, 25, 2, TestVideos.Audio.PCM));
        ByteBuf silent = input(TestVideos.clip(320, 240, 30, 1, TestVideos.Audio.NONE));
        Map<String, VideoRendition> one = Map.of("p", small("story", 180, 320, 60, Fit.COVER));

        transcoded(pcm, one, MediaLimits.DEFAULTS, made -> {
            ProbedVideo probed = probe(made.get("p").get(0));
            assertThat(probed.audioCodec()).isEqualTo("aac");
            assertThat(probed.audioDurationMillis()).isCloseTo(2000L, within(70L));
            assertThat(probed.decodedFrames()).as("25 fps becomes 30 fps").isEqualTo(60);
            assertThat(probed.constantFrameRate()).isTrue();
        });
        transcoded(silent, one, MediaLimits.DEFAULTS, made -> assertThat(probe(made.get("p").get(0)).audioCodec()).isNull());
    }

    @Test
    void noRenditionCarriesTheSourcesLocationOrMetadata() throws Exception {
        ByteBuf clip = input(TestVideos.clipWithLocation(320, 240, 30, 1));
        assertThat(Mp4Boxes.inMoov(clip)).as("the source does carry a location").extracting(Mp4Boxes.Box::type).contains("udta", "\u00a9xyz");
        assertThat(clip.toString(StandardCharsets.ISO_8859_1)).contains(TestVideos.LOCATION);

        transcoded(clip, Map.of("p", small("story", 180, 320, 60, Fit.COVER)), MediaLimits.DEFAULTS, made -> {
            Rendition story = made.get("p").get(0);
            assertMoovFirstWithoutEditListOrMetadata(story);
            assertThat(story.bytes().toString(StandardCharsets.ISO_8859_1)).doesNotContain("48.8584", "+002.2945", "Lavf", "\u00a9xyz");
        });
    }

    @Test
    void aByteCapLowersTheBitRateSoEachSegmentFits() throws Exception {
        ByteBuf clip = input(TestVideos.texturedClip(320, 568, 30, 2));
        VideoRendition capped = new VideoRendition("story", 360, 640, 30, 1, 5_000_000, 96_000, 2, 150_000, Fit.COVER, "test");

        transcoded(clip, Map.of("p", capped), MediaLimits.DEFAULTS, made ->
                assertThat(made.get("p").get(0).bytes().readableBytes()).isLessThanOrEqualTo(150_000));
        VideoRendition impossible = new VideoRendition("story", 360, 640, 30, 1, 5_000_000, 96_000, 2, 4_000, Fit.COVER, "test");
        assertRejected(clip, Map.of("p", impossible), MediaLimits.DEFAULTS, MediaProblem.TOO_MANY_BYTES, "byte cap");
    }

    @Test
    void rejectsAHeaderClaimingTenHoursBeforeDecoding() {
        ByteBuf clip = input(TestVideos.clip(320, 240, 30, 1, TestVideos.Audio.AAC));
        Mp4Boxes.Box mvhd = Mp4Boxes.find(clip, "mvhd").get(0);
        long timescale = clip.getUnsignedInt(mvhd.offset() + 20);
        clip.setInt(mvhd.offset() + 24, (int) (timescale * 36_000));

        assertRejected(clip, Map.of("p", small("story", 180, 320, 60, Fit.COVER)), MediaLimits.DEFAULTS, MediaProblem.TOO_LONG,
                "the header claims 36000000 ms");
    }

    @Test
    void rejectsAHeaderClaiming30000x30000BeforeDecoding() {
        ByteBuf clip = input(TestVideos.clip(320, 240, 30, 1, TestVideos.Audio.AAC));
        Mp4Boxes.Box stsd = Mp4Boxes.find(clip, "stsd").get(0);
        int entry = stsd.offset() + 16;
        assertThat(clip.toString(entry + 4, 4, StandardCharsets.ISO_8859_1)).isEqualTo("avc1");
        clip.setShort(entry + 32, 30000).setShort(entry + 34, 30000);

        assertRejected(clip, Map.of("p", small("story", 180, 320, 60, Fit.COVER)), MediaLimits.DEFAULTS,
                MediaProblem.TOO_MANY_PIXELS, "30000x30000");
    }

    @Test
    void rejectsPlaylistsAndConcatListsPosingAsVideo() {
        Map<String, VideoRendition> one = Map.of("p", small("story", 180, 320, 60, Fit.COVER));
        for (String hostile : List.of("#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nfile:///etc/passwd\n",
                "ffconcat version 1.0\nfile '/etc/passwd'\n")) {
            ByteBuf bare = input(ALLOCATOR.directBuffer().writeBytes(hostile.getBytes(StandardCharsets.UTF_8)));
            assertRejected(bare, one, MediaLimits.DEFAULTS, MediaProblem.UNSUPPORTED_TYPE, "not a JPEG, PNG, WebP or MP4");
            // Behind a forged ftyp box the magic bytes pass, but only the mov demuxer may read it: never as a list.
            ByteBuf disguised = input(ALLOCATOR.directBuffer().writeInt(16).writeBytes("ftypisom".getBytes(StandardCharsets.ISO_8859_1))
                    .writeInt(0).writeBytes(hostile.getBytes(StandardCharsets.UTF_8)));
            assertRejected(disguised, one, MediaLimits.DEFAULTS, MediaProblem.CORRUPT, "");
        }
    }

    @Test
    void rejectsAnImageGivenAsAVideo() {
        ByteBuf photo = input(TestImages.redBlueJpeg(64, 64));

        assertRejected(photo, Map.of("p", small("story", 180, 320, 60, Fit.COVER)), MediaLimits.DEFAULTS,
                MediaProblem.UNSUPPORTED_TYPE, "not a video");
    }

    @Test
    void rejectsAJobThatRunsPastItsTimeLimit() {
        ByteBuf clip = input(TestVideos.clip(320, 240, 30, 3, TestVideos.Audio.AAC));
        MediaLimits oneMillisecond = new MediaLimits(104_857_600, 50_000_000, 600_000, 1);

        assertRejected(clip, Map.of("p", small("story", 360, 640, 60, Fit.COVER)), oneMillisecond, MediaProblem.TIMED_OUT, "time limit");
    }

    @Test
    void truncationsAtManyOffsetsAreRejectedOrTranscodedNeverCrash() throws Exception {
        ByteBuf moovLast = input(TestVideos.clip(320, 240, 30, 1, TestVideos.Audio.AAC));
        Map<String, List<Rendition>> made = transcoder.transcode(moovLast, Map.of("p", small("story", 180, 320, 60, Fit.COVER)),
                MediaLimits.DEFAULTS);
        ByteBuf moovFirst = input(made.get("p").get(0).bytes().retain());
        releaseAll(made);
        int rejected = 0;
        for (ByteBuf clip : List.of(moovLast, moovFirst)) {
            for (int length = 1; length < clip.readableBytes(); length += Math.max(1, clip.readableBytes() / 30)) {
                if (outcome(clip.retainedSlice(clip.readerIndex(), length)) != null) {
                    rejected++;
                }
            }
        }
        assertThat(rejected).as("cuts before the header ends, at least, are refused").isGreaterThan(20);
    }

    @Test
    void bitFlipsAreRejectedOrTranscodedNeverCrash() throws Exception {
        ByteBuf clip = input(TestVideos.clip(320, 240, 30, 1, TestVideos.Audio.AAC));
        java.util.Random random = new java.util.Random(7);
        for (int attempt = 0; attempt < 40; attempt++) {
            ByteBuf flipped = ALLOCATOR.directBuffer(clip.readableBytes()).writeBytes(clip, clip.readerIndex(), clip.readableBytes());
            for (int flip = 0; flip < 8; flip++) {
                int at = random.nextInt(flipped.readableBytes());
                flipped.setByte(at, flipped.getByte(at) ^ (1 << random.nextInt(8)));
            }
            outcome(flipped);
        }
    }

    /** Transcodes and releases; @return the rejection's problem, or null when it made renditions. Releases {@code upload}. */
    private MediaProblem outcome(ByteBuf upload) throws Exception {
        try {
            Map<String, List<Rendition>> made = transcoder.transcode(upload, Map.of("p", small("story", 180, 320, 60, Fit.COVER)),
                    MediaLimits.DEFAULTS);
            made.get("p").forEach(rendition -> assertMoovFirstWithoutEditListOrMetadata(rendition));
            releaseAll(made);
            return null;
        } catch (MediaRejectedException e) {
            assertThat(e.problem()).isIn(MediaProblem.CORRUPT, MediaProblem.UNSUPPORTED_TYPE, MediaProblem.TOO_MANY_PIXELS,
                    MediaProblem.TOO_LONG);
            assertThat(e.getMessage()).isNotBlank();
            return e.problem();
        } finally {
            upload.release();
        }
    }

    private void assertRejected(ByteBuf upload, Map<String, VideoRendition> byPlatform, MediaLimits limits, MediaProblem problem,
                                String detail) {
        assertThatThrownBy(() -> transcoder.transcode(upload, byPlatform, limits))
                .isInstanceOfSatisfying(MediaRejectedException.class, e -> {
                    assertThat(e.problem()).as(e.getMessage()).isEqualTo(problem);
                    assertThat(e.getMessage()).contains(detail);
                });
    }

    /** Writes a 90 degree rotation into the video track's tkhd matrix, as a phone held upright does. */
    private static void rotateNinetyDegrees(ByteBuf mp4) {
        Mp4Boxes.Box tkhd = Mp4Boxes.find(mp4, "tkhd").get(0);
        assertThat(mp4.getByte(tkhd.offset() + 8)).as("tkhd version 0").isZero();
        int matrix = tkhd.offset() + 48;
        int[] rotated = {0, 0x10000, 0, 0xFFFF0000, 0, 0, 0, 0, 0x40000000};
        for (int i = 0; i < rotated.length; i++) {
            mp4.setInt(matrix + 4 * i, rotated[i]);
        }
    }

    /** Transcodes, hands every platform's segments to {@code check}, then releases them whatever happened. */
    private void transcoded(ByteBuf upload, Map<String, VideoRendition> byPlatform, MediaLimits limits,
                            Consumer<Map<String, List<Rendition>>> check) throws MediaRejectedException {
        Map<String, List<Rendition>> made = transcoder.transcode(upload, byPlatform, limits);
        try {
            check.accept(made);
        } finally {
            releaseAll(made);
        }
    }

    private static ProbedVideo probe(Rendition rendition) {
        try {
            return ProbedVideo.of(rendition.bytes());
        } catch (MediaRejectedException e) {
            throw new AssertionError("the " + rendition.name() + " rendition does not play: " + e.getMessage(), e);
        }
    }

    private static void assertMoovFirstWithoutEditListOrMetadata(Rendition rendition) {
        List<String> top = Mp4Boxes.topLevel(rendition.bytes()).stream().map(Mp4Boxes.Box::type).toList();
        assertThat(top).as("top-level boxes").contains("ftyp", "moov", "mdat");
        assertThat(top.indexOf("moov")).as("moov before mdat").isLessThan(top.indexOf("mdat"));
        List<String> inMoov = Mp4Boxes.inMoov(rendition.bytes()).stream().map(Mp4Boxes.Box::type).toList();
        assertThat(inMoov).as("boxes in moov").doesNotContain("edts", "elst", "udta", "meta", "\u00a9xyz", "loci");
    }

    private static void releaseAll(Map<String, List<Rendition>> made) {
        made.values().forEach(renditions -> renditions.forEach(Rendition::release));
    }
}
