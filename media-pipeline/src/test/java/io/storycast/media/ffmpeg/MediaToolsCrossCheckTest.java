package io.storycast.media.ffmpeg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.storycast.media.MediaLimits;
import io.storycast.media.Rendition;
import io.storycast.media.openh264.OpenH264Library;
import io.storycast.media.profile.Fit;
import io.storycast.media.profile.ImageRendition;
import io.storycast.media.profile.PlatformProfiles;
import io.storycast.media.profile.VideoRendition;
import io.storycast.testing.LeakDetectionExtension;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Our renditions as outside tools see them, not the FFmpeg we link: Debian's {@code ffprobe} must find
 * the codec and size the profile asks for, and {@code exiftool} must find no EXIF, XMP, IPTC or GPS data
 * in them (while it finds them in the source); {@code ffprobe} must find both tracks of every video segment
 * starting at 0 and lasting as long as each other, the segments adding up to the source. Needs both on the PATH: runs in the
 * {@code with-media-tools} profile only.
 */
@Tag("media-tools")
@ExtendWith(LeakDetectionExtension.class)
class MediaToolsCrossCheckTest {
    /** The profile installs the system OpenH264: outside tools read what the deployed image makes. */
    private static final VideoTranscoder SYSTEM_ENCODER = new VideoTranscoder(PooledByteBufAllocator.DEFAULT,
            VideoTranscoder.DEFAULT_THREADS, H264Encoders.system(OpenH264Library.DEFAULT_LIBRARY));
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> PRIVATE_GROUPS = List.of("EXIF", "XMP", "IPTC", "GPS", "MakerNotes");

    @TempDir
    Path folder;

    @Test
    void outsideToolsReadEveryImageRenditionWithItsCodecAndSizeAndNoPrivateMetadata() throws Exception {
        PlatformProfiles profiles = PlatformProfiles.shipped();
        Map<String, List<ImageRendition>> wanted = Map.of(
                "instagram", profiles.of("instagram").orElseThrow().images(),
                "whatsapp", profiles.of("whatsapp").orElseThrow().images());
        ByteBuf photo = TestImages.withExifAndXmp(TestImages.photoLikeJpeg(1600, 1200), 6);
        Map<String, List<Rendition>> made;
        try {
            Path source = write(photo, "source.jpg");
            assertThat(privateGroups(source)).as("exiftool sees the source's metadata, so it would see it in a rendition")
                    .contains("EXIF", "XMP");
            made = new ImageTranscoder(PooledByteBufAllocator.DEFAULT).transcode(photo, wanted, MediaLimits.DEFAULTS);
        } finally {
            photo.release();
        }
        try {
            for (Map.Entry<String, List<Rendition>> platform : made.entrySet()) {
                for (Rendition rendition : platform.getValue()) {
                    String what = platform.getKey() + "/" + rendition.name();
                    Path file = write(rendition.bytes(), platform.getKey() + "-" + rendition.name() + "." + rendition.format());
                    JsonNode stream = probe(file).path("streams").path(0);
                    assertThat(stream.path("codec_name").asText()).as(what)
                            .isEqualTo(rendition.format().equals("webp") ? "webp" : "mjpeg");
                    assertThat(stream.path("width").asInt()).as(what).isEqualTo(rendition.width());
                    assertThat(stream.path("height").asInt()).as(what).isEqualTo(rendition.height());
                    assertThat(privateGroups(file)).as(what + " carries no private metadata").isEmpty();
                }
            }
        } finally {
            made.values().forEach(list -> list.forEach(Rendition::release));
        }
    }

    /**
     * 5 s into 2 s segments: copied AAC (cut at whole packets, so a segment's sound may be off from its video by up
     * to an AAC frame, 1024 samples) and PCM re-encoded (cut to the sample: 1 ms, 48 samples, for rounding).
     */
    @ParameterizedTest(name = "{0}: within {1} samples")
    @CsvSource({"AAC, 1024", "PCM, 48"})
    void outsideToolsSeeEverySegmentStartBothTracksAtZeroAndAddUpToTheSource(TestVideos.Audio sound, int toleranceSamples)
            throws Exception {
        double tolerance = toleranceSamples / 48_000.0;
        ByteBuf clip = new TestClip(320, 240, 30).seconds(5).audio(sound).beeps().make();
        VideoRendition twoSeconds = new VideoRendition("story", 180, 320, 30, 1, 400_000, 96_000, 2, 0, Fit.COVER, "test");
        Map<String, List<Rendition>> made;
        try {
            made = SYSTEM_ENCODER.transcode(clip, Map.of("p", twoSeconds), MediaLimits.DEFAULTS);
        } finally {
            clip.release();
        }
        double videoTotal = 0;
        double audioTotal = 0;
        try {
            assertThat(made.get("p")).hasSize(3);
            for (Rendition segment : made.get("p")) {
                String what = sound + " " + segment.name();
                JsonNode streams = probe(write(segment.bytes(), sound + "-" + segment.name() + ".mp4")).path("streams");
                JsonNode video = stream(streams, "video");
                JsonNode audio = stream(streams, "audio");
                assertThat(video.path("start_time").asDouble(-1)).as(what + " video start").isZero();
                assertThat(audio.path("start_time").asDouble(-1)).as(what + " audio start").isZero();
                assertThat(audio.path("duration").asDouble()).as(what + " audio as long as the video")
                        .isCloseTo(video.path("duration").asDouble(), within(tolerance));
                videoTotal += video.path("duration").asDouble();
                audioTotal += audio.path("duration").asDouble();
            }
        } finally {
            made.values().forEach(list -> list.forEach(Rendition::release));
        }
        assertThat(videoTotal).as(sound + ": the segments' video adds up to the source").isCloseTo(5.0, within(0.001));
        assertThat(audioTotal).as(sound + ": the segments' audio adds up to the source").isCloseTo(5.0, within(0.001));
    }

    /**
     * A source whose video stream has a property ffprobe must see in it (so that it would see it in the output
     * too), a rendition made of it, and what ffprobe must find in that rendition's video stream instead. A
     * stream field ffprobe leaves out counts as its {@code default} (no sample aspect ratio: square pixels).
     */
    record Conversion(String what, Supplier<ByteBuf> clip, Fit fit, String sourceField, String sourceValue,
                      Map<String, String> made) {
        static final String DEFAULT = "1:1";

        @Override
        public String toString() {
            return what;
        }
    }

    static Stream<Conversion> conversions() {
        return Stream.of(
                new Conversion("square pixels made from an anamorphic source",
                        () -> new TestClip(480, 360, 30).seconds(0.5).audio(TestVideos.Audio.NONE).sampleAspectRatio(4, 3).make(),
                        Fit.PAD, "sample_aspect_ratio", "4:3", Map.of("width", "360", "height", "640", "sample_aspect_ratio", "1:1")),
                new Conversion("8-bit BT.709 SDR made from PQ HDR",
                        () -> new TestClip(180, 320, 30).seconds(0.2).audio(TestVideos.Audio.NONE).hdr(TestClip.Transfer.PQ).make(),
                        Fit.COVER, "color_transfer", "smpte2084", Map.of("pix_fmt", "yuv420p", "color_primaries", "bt709",
                                "color_transfer", "bt709", "color_space", "bt709")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("conversions")
    void outsideToolsSeeTheVideoAsConverted(Conversion conversion) throws Exception {
        ByteBuf clip = conversion.clip().get();
        VideoRendition rendition = new VideoRendition("story", 360, 640, 30, 1, 400_000, 96_000, 60, 0, conversion.fit(), "test");
        Map<String, List<Rendition>> made;
        try {
            JsonNode source = stream(probe(write(clip, "source")).path("streams"), "video");
            assertThat(source.path(conversion.sourceField()).asText()).as("ffprobe sees the source's " + conversion.sourceField())
                    .isEqualTo(conversion.sourceValue());
            made = SYSTEM_ENCODER.transcode(clip, Map.of("p", rendition), MediaLimits.DEFAULTS);
        } finally {
            clip.release();
        }
        try {
            JsonNode video = stream(probe(write(made.get("p").get(0).bytes(), "made.mp4")).path("streams"), "video");
            conversion.made().forEach((field, value) ->
                    assertThat(video.path(field).asText(Conversion.DEFAULT)).as(conversion + ": " + field).isEqualTo(value));
        } finally {
            made.values().forEach(list -> list.forEach(Rendition::release));
        }
    }

    private static JsonNode probe(Path file) throws IOException, InterruptedException {
        return run("ffprobe", "-v", "error", "-print_format", "json", "-show_streams", file.toString());
    }

    private static JsonNode stream(JsonNode streams, String type) {
        for (JsonNode stream : streams) {
            if (stream.path("codec_type").asText().equals(type)) {
                return stream;
            }
        }
        throw new AssertionError("no " + type + " stream in " + streams);
    }

    /** @return the metadata groups exiftool finds in the file that could carry private data */
    static List<String> privateGroups(Path file) throws IOException, InterruptedException {
        JsonNode tags = run("exiftool", "-json", "-G", "-a", file.toString()).path(0);
        List<String> found = new ArrayList<>();
        for (Iterator<String> names = tags.fieldNames(); names.hasNext(); ) {
            String group = names.next().split(":")[0];
            if (PRIVATE_GROUPS.contains(group) && !found.contains(group)) {
                found.add(group);
            }
        }
        return found;
    }

    private Path write(ByteBuf bytes, String name) throws IOException {
        Path file = folder.resolve(name);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            channel.write(bytes.nioBuffer());
        }
        return file;
    }

    /** @return the tool's JSON output; fails unless it exits 0 */
    static JsonNode run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command)).isZero();
        return JSON.readTree(output);
    }
}
