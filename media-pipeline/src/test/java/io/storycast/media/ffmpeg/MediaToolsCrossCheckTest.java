package io.storycast.media.ffmpeg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.storycast.media.MediaLimits;
import io.storycast.media.Rendition;
import io.storycast.media.profile.Fit;
import io.storycast.media.profile.ImageRendition;
import io.storycast.media.profile.PlatformProfiles;
import io.storycast.media.profile.VideoRendition;
import io.storycast.testing.LeakDetectionExtension;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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
                    JsonNode stream = run("ffprobe", "-v", "error", "-print_format", "json", "-show_streams", file.toString())
                            .path("streams").path(0);
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

    @Test
    void outsideToolsSeeEverySegmentStartBothTracksAtZeroAndAddUpToTheSource() throws Exception {
        // 5 s into 2 s segments: copied AAC (cut at whole packets) and PCM re-encoded (cut to the sample).
        for (TestVideos.Audio sound : List.of(TestVideos.Audio.AAC, TestVideos.Audio.PCM)) {
            ByteBuf clip = new TestClip(320, 240, 30).seconds(5).audio(sound).beeps().make();
            VideoRendition twoSeconds = new VideoRendition("story", 180, 320, 30, 1, 400_000, 96_000, 2, 0, Fit.COVER, "test");
            Map<String, List<Rendition>> made;
            try {
                made = new VideoTranscoder(PooledByteBufAllocator.DEFAULT).transcode(clip, Map.of("p", twoSeconds), MediaLimits.DEFAULTS);
            } finally {
                clip.release();
            }
            // Copied sound may be off by half an AAC frame at each end of a segment; re-encoded sound is cut to the sample.
            double tolerance = sound == TestVideos.Audio.AAC ? 1024.0 / 48_000 : 0.001;
            double videoTotal = 0;
            double audioTotal = 0;
            try {
                for (Rendition segment : made.get("p")) {
                    String what = sound + " " + segment.name();
                    Path file = write(segment.bytes(), sound + "-" + segment.name() + ".mp4");
                    JsonNode streams = run("ffprobe", "-v", "error", "-print_format", "json", "-show_streams", file.toString()).path("streams");
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
    }

    @Test
    void outsideToolsSeeSquarePixelsMadeFromAnAnamorphicSource() throws Exception {
        ByteBuf clip = new TestClip(480, 360, 30).seconds(0.5).audio(TestVideos.Audio.NONE).sampleAspectRatio(4, 3).make();
        VideoRendition pad = new VideoRendition("story", 360, 640, 30, 1, 400_000, 96_000, 60, 0, Fit.PAD, "test");
        Map<String, List<Rendition>> made;
        try {
            Path source = write(clip, "anamorphic.mp4");
            assertThat(stream(run("ffprobe", "-v", "error", "-print_format", "json", "-show_streams", source.toString()).path("streams"),
                    "video").path("sample_aspect_ratio").asText()).as("ffprobe sees the source's 4:3 pixels").isEqualTo("4:3");
            made = new VideoTranscoder(PooledByteBufAllocator.DEFAULT).transcode(clip, Map.of("p", pad), MediaLimits.DEFAULTS);
        } finally {
            clip.release();
        }
        try {
            Path file = write(made.get("p").get(0).bytes(), "square.mp4");
            JsonNode video = stream(run("ffprobe", "-v", "error", "-print_format", "json", "-show_streams", file.toString())
                    .path("streams"), "video");
            assertThat(video.path("width").asInt()).isEqualTo(360);
            assertThat(video.path("height").asInt()).isEqualTo(640);
            assertThat(video.path("sample_aspect_ratio").asText("1:1")).isEqualTo("1:1");
        } finally {
            made.values().forEach(list -> list.forEach(Rendition::release));
        }
    }

    @Test
    void outsideToolsSeeEightBitBt709SdrMadeFromHdr() throws Exception {
        ByteBuf clip = new TestClip(180, 320, 30).seconds(0.2).audio(TestVideos.Audio.NONE).hdr(TestClip.Transfer.PQ).make();
        VideoRendition cover = new VideoRendition("story", 360, 640, 30, 1, 400_000, 96_000, 60, 0, Fit.COVER, "test");
        Map<String, List<Rendition>> made;
        try {
            Path source = write(clip, "hdr.mov");
            assertThat(stream(run("ffprobe", "-v", "error", "-print_format", "json", "-show_streams", source.toString()).path("streams"),
                    "video").path("color_transfer").asText()).as("ffprobe sees the source's PQ").isEqualTo("smpte2084");
            made = new VideoTranscoder(PooledByteBufAllocator.DEFAULT).transcode(clip, Map.of("p", cover), MediaLimits.DEFAULTS);
        } finally {
            clip.release();
        }
        try {
            Path file = write(made.get("p").get(0).bytes(), "sdr.mp4");
            JsonNode video = stream(run("ffprobe", "-v", "error", "-print_format", "json", "-show_streams", file.toString())
                    .path("streams"), "video");
            assertThat(video.path("pix_fmt").asText()).isEqualTo("yuv420p");
            assertThat(video.path("color_primaries").asText()).isEqualTo("bt709");
            assertThat(video.path("color_transfer").asText()).isEqualTo("bt709");
            assertThat(video.path("color_space").asText()).isEqualTo("bt709");
        } finally {
            made.values().forEach(list -> list.forEach(Rendition::release));
        }
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
