package io.storycast.media.ffmpeg;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.storycast.media.MediaLimits;
import io.storycast.media.MediaProblem;
import io.storycast.media.MediaRejectedException;
import io.storycast.media.Rendition;
import io.storycast.media.probe.SourceFormat;
import io.storycast.media.profile.Fit;
import io.storycast.media.profile.ImageRendition;
import io.storycast.media.profile.PlatformProfile;
import io.storycast.media.profile.PlatformProfiles;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;

/**
 * The image path against the real FFmpeg build, with images made in the test: every rendition is checked
 * by decoding it again; hostile and broken inputs are refused with a typed reason; no pooled buffer is
 * left behind.
 */
class ImageTranscoderTest {
    /** Pooled and direct as in the gateway, without thread caches, so its count of live buffers is exact. */
    private static final PooledByteBufAllocator ALLOCATOR = new PooledByteBufAllocator(true, 0, 1, 8192, 9, 0, 0, false);
    private static final PlatformProfiles PROFILES = PlatformProfiles.shipped();

    private final ImageTranscoder transcoder = new ImageTranscoder(ALLOCATOR);
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

    private static Map<String, List<ImageRendition>> allPlatforms() {
        return PROFILES.platforms().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, entry -> entry.getValue().images()));
    }

    @Test
    void makesEveryPlatformsRenditionsFromOneJpegAtTheProfilesSizes() throws Exception {
        ByteBuf photo = input(TestImages.redBlueJpeg(4000, 3000));

        transcoded(photo, allPlatforms(), MediaLimits.DEFAULTS, made -> {
            assertThat(made.keySet()).containsExactlyInAnyOrder("instagram", "facebook", "whatsapp", "messenger");
            made.forEach((platform, renditions) -> {
                PlatformProfile profile = PROFILES.of(platform).orElseThrow();
                assertThat(renditions).extracting(Rendition::name)
                        .containsExactlyElementsOf(profile.images().stream().map(ImageRendition::name).toList());
                for (Rendition rendition : renditions) {
                    ImageRendition spec = profile.images().stream().filter(s -> s.name().equals(rendition.name())).findFirst().orElseThrow();
                    decoded(rendition, frame -> {
                        assertThat(frame.width()).as(platform + " " + rendition.name() + " width").isEqualTo(spec.width());
                        assertThat(frame.height()).as(platform + " " + rendition.name() + " height").isEqualTo(spec.height());
                    });
                    if (spec.maxBytes() > 0) {
                        assertThat(rendition.bytes().readableBytes()).isLessThanOrEqualTo((int) spec.maxBytes());
                    }
                }
            });
            assertThat(ByteBufUtil.equals(made.get("instagram").get(0).bytes(), made.get("facebook").get(0).bytes()))
                    .as("the same rendition is encoded once and shared").isTrue();
        });
    }

    @Test
    void pngAndWebpSourcesAreAcceptedToo() throws Exception {
        for (ByteBuf source : List.of(input(TestImages.redBluePng(640, 480)), input(TestImages.redBlueWebp(640, 480)))) {
            transcoded(source, Map.of("instagram", PROFILES.of("instagram").orElseThrow().images()), MediaLimits.DEFAULTS,
                    made -> decoded(made.get("instagram").get(0), frame -> assertThat(frame.width()).isEqualTo(1080)));
        }
    }

    @Test
    void honoursTheExifOrientationOfAPortraitPhoneShot() throws Exception {
        // Stored landscape (left red, right blue) with orientation 6: upright, red is on top and blue below.
        ByteBuf photo = input(TestImages.withExifAndXmp(TestImages.redBlueJpeg(400, 200), 6));
        ImageRendition padded = new ImageRendition("story", 1080, 1920, "jpeg", 90, Fit.PAD, 0, "test");

        transcoded(photo, Map.of("instagram", List.of(padded)), MediaLimits.DEFAULTS, made -> {
            decoded(made.get("instagram").get(0), frame -> {
                assertThat(chroma(frame, 540, 300)).as("top: red (V above U)").matches(uv -> uv[1] > uv[0] + 60);
                assertThat(chroma(frame, 540, 1600)).as("bottom: blue (U above V)").matches(uv -> uv[0] > uv[1] + 60);
            });
        });
    }

    @Test
    void coverCropsTheSidesAndPadLetterboxes() throws Exception {
        ByteBuf wide = input(TestImages.redBlueJpeg(1600, 900));
        ImageRendition cover = new ImageRendition("cover", 540, 960, "jpeg", 90, Fit.COVER, 0, "test");
        ImageRendition pad = new ImageRendition("pad", 540, 960, "jpeg", 90, Fit.PAD, 0, "test");

        transcoded(wide, Map.of("p", List.of(cover, pad)), MediaLimits.DEFAULTS, made -> {
            decoded(made.get("p").get(0), frame -> assertThat(chroma(frame, 270, 40)).as("cover fills the top edge")
                    .matches(uv -> Math.abs(uv[0] - uv[1]) > 60));
            decoded(made.get("p").get(1), frame -> assertThat(chroma(frame, 270, 40)).as("pad leaves the top edge black")
                    .matches(uv -> Math.abs(uv[0] - 128) < 8 && Math.abs(uv[1] - 128) < 8));
        });
    }

    @Test
    void noRenditionCarriesExifXmpOrGps() throws Exception {
        ByteBuf photo = input(TestImages.withExifAndXmp(TestImages.redBlueJpeg(800, 600), 1));
        assertThat(photo.toString(StandardCharsets.ISO_8859_1)).as("the source does carry them").contains("Exif", "xmpmeta");

        transcoded(photo, allPlatforms(), MediaLimits.DEFAULTS, made -> {
            made.values().forEach(renditions -> renditions.forEach(rendition -> {
                String bytes = rendition.bytes().toString(StandardCharsets.ISO_8859_1);
                assertThat(bytes).doesNotContain("Exif", "xmpmeta", "GPS", "48,51");
                if (rendition.format().equals("jpeg")) {
                    assertThat(markers(rendition.bytes())).as("JPEG segments").doesNotContain(0xE1);
                }
            }));
        });
    }

    @Test
    void aByteBudgetStepsTheQualityDownUntilTheImageFits() throws Exception {
        ByteBuf noise = input(TestImages.noiseJpeg(1080, 1920));
        ImageRendition unbounded = new ImageRendition("story", 720, 1280, "jpeg", 95, Fit.COVER, 0, "test");
        Map<String, List<Rendition>> free = transcoder.transcode(noise, Map.of("p", List.of(unbounded)), MediaLimits.DEFAULTS);
        int atProfileQuality = free.get("p").get(0).bytes().readableBytes();
        releaseAll(free);
        ImageRendition bounded = new ImageRendition("story", 720, 1280, "jpeg", 95, Fit.COVER, atProfileQuality / 2, "test");

        transcoded(noise, Map.of("p", List.of(bounded)), MediaLimits.DEFAULTS, capped ->
                assertThat(capped.get("p").get(0).bytes().readableBytes()).isLessThanOrEqualTo(atProfileQuality / 2));
    }

    @Test
    void rejectsAJpegWhoseHeaderClaims15000x15000BeforeDecodingIt() {
        ByteBuf bomb = input(TestImages.redBlueJpeg(64, 64));
        int sof = indexOfMarker(bomb, 0xC0);
        bomb.setShort(sof + 5, 15000).setShort(sof + 7, 15000);

        assertRejected(bomb, MediaProblem.TOO_MANY_PIXELS, "15000x15000");
    }

    @Test
    void rejectsAPngWhoseHeaderClaims30000x30000() {
        ByteBuf bomb = input(TestImages.redBluePng(64, 64));
        bomb.setInt(16, 30000).setInt(20, 30000);

        assertRejected(bomb, MediaProblem.TOO_MANY_PIXELS, "30000x30000");
    }

    @Test
    void rejectsPlaylistsAndConcatListsPosingAsMedia() {
        for (String hostile : List.of("#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nfile:///etc/passwd\n",
                "ffconcat version 1.0\nfile '/etc/passwd'\n", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>")) {
            ByteBuf bytes = input(ALLOCATOR.directBuffer().writeBytes(hostile.getBytes(StandardCharsets.UTF_8)));
            assertRejected(bytes, MediaProblem.UNSUPPORTED_TYPE, "not a JPEG, PNG, WebP or MP4");
        }
    }

    @Test
    void rejectsAnUploadAboveTheByteLimit() {
        ByteBuf photo = input(TestImages.redBlueJpeg(320, 240));
        MediaLimits small = new MediaLimits(100, 50_000_000, 600_000, 60_000);

        assertThatThrownBy(() -> transcoder.transcode(photo, allPlatforms(), small))
                .isInstanceOfSatisfying(MediaRejectedException.class, e -> {
                    assertThat(e.problem()).isEqualTo(MediaProblem.TOO_MANY_BYTES);
                    assertThat(e.getMessage()).contains("limit is 100");
                });
    }

    @Test
    void truncationsAtManyOffsetsAreRejectedOrDecodedNeverCrash() throws Exception {
        ByteBuf photo = input(TestImages.redBlueJpeg(640, 480));
        int rejected = 0;
        for (int length = 1; length < photo.readableBytes(); length += Math.max(1, photo.readableBytes() / 60)) {
            if (outcome(photo.retainedSlice(photo.readerIndex(), length)) != null) {
                rejected++;
            }
        }
        assertThat(rejected).as("short cuts, at least, are refused").isGreaterThan(5);
    }

    @Test
    void bitFlipsAreRejectedOrDecodedNeverCrash() throws Exception {
        ByteBuf photo = input(TestImages.redBlueJpeg(640, 480));
        Random random = new Random(7);
        for (int attempt = 0; attempt < 60; attempt++) {
            ByteBuf flipped = ALLOCATOR.directBuffer(photo.readableBytes()).writeBytes(photo, photo.readerIndex(), photo.readableBytes());
            for (int flip = 0; flip < 8; flip++) {
                int at = random.nextInt(flipped.readableBytes());
                flipped.setByte(at, flipped.getByte(at) ^ (1 << random.nextInt(8)));
            }
            outcome(flipped);
        }
    }

    /** Transcodes and releases; @return the rejection's problem, or null when it decoded. Releases {@code upload}. */
    private MediaProblem outcome(ByteBuf upload) throws Exception {
        try {
            releaseAll(transcoder.transcode(upload, Map.of("instagram", PROFILES.of("instagram").orElseThrow().images()),
                    MediaLimits.DEFAULTS));
            return null;
        } catch (MediaRejectedException e) {
            assertThat(e.problem()).isIn(MediaProblem.CORRUPT, MediaProblem.UNSUPPORTED_TYPE, MediaProblem.TOO_MANY_PIXELS);
            assertThat(e.getMessage()).isNotBlank();
            return e.problem();
        } finally {
            upload.release();
        }
    }

    /** Transcodes, hands every platform's renditions to {@code check}, then releases them whatever happened. */
    private void transcoded(ByteBuf upload, Map<String, List<ImageRendition>> byPlatform, MediaLimits limits,
                            Consumer<Map<String, List<Rendition>>> check) throws MediaRejectedException {
        Map<String, List<Rendition>> made = transcoder.transcode(upload, byPlatform, limits);
        try {
            check.accept(made);
        } finally {
            releaseAll(made);
        }
    }

    private void assertRejected(ByteBuf upload, MediaProblem problem, String detail) {
        assertThatThrownBy(() -> transcoder.transcode(upload, allPlatforms(), MediaLimits.DEFAULTS))
                .isInstanceOfSatisfying(MediaRejectedException.class, e -> {
                    assertThat(e.problem()).isEqualTo(problem);
                    assertThat(e.getMessage()).contains(detail);
                });
    }

    /** Decodes a rendition again, as a client would, and hands the frame to {@code check}. */
    private static void decoded(Rendition rendition, Consumer<AVFrame> check) {
        SourceFormat format = SourceFormat.sniff(rendition.bytes()).orElseThrow();
        assertThat(format.name().toLowerCase()).isEqualTo(rendition.format());
        AVFrame frame;
        try {
            frame = ImageDecoder.decode(rendition.bytes(), format, MediaLimits.DEFAULTS, System.nanoTime() + 10_000_000_000L);
        } catch (MediaRejectedException e) {
            throw new AssertionError("the " + rendition.name() + " rendition does not decode: " + e.getMessage(), e);
        }
        try {
            check.accept(frame);
        } finally {
            av_frame_free(frame);
        }
    }

    /** @return {U, V} at a pixel of a 4:2:0 frame */
    private static int[] chroma(AVFrame frame, int x, int y) {
        return new int[]{frame.data(1).get((long) (y / 2) * frame.linesize(1) + x / 2) & 0xFF,
                frame.data(2).get((long) (y / 2) * frame.linesize(2) + x / 2) & 0xFF};
    }

    private static List<Integer> markers(ByteBuf jpeg) {
        List<Integer> markers = new ArrayList<>();
        int at = jpeg.readerIndex() + 2;
        while (at + 4 <= jpeg.writerIndex() && (jpeg.getByte(at) & 0xFF) == 0xFF) {
            int marker = jpeg.getByte(at + 1) & 0xFF;
            markers.add(marker);
            if (marker == 0xDA) {
                break;
            }
            at += 2 + jpeg.getUnsignedShort(at + 2);
        }
        return markers;
    }

    private static int indexOfMarker(ByteBuf jpeg, int marker) {
        int at = jpeg.readerIndex() + 2;
        while ((jpeg.getByte(at + 1) & 0xFF) != marker) {
            at += 2 + jpeg.getUnsignedShort(at + 2);
        }
        return at;
    }

    private static void releaseAll(Map<String, List<Rendition>> made) {
        made.values().forEach(renditions -> renditions.forEach(Rendition::release));
    }
}
