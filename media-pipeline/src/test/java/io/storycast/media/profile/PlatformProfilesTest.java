package io.storycast.media.profile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PlatformProfilesTest {

    @Test
    void shippedProfilesCoverEveryPlatformWithCitedNineBySixteenRenditions() {
        PlatformProfiles profiles = PlatformProfiles.shipped();

        assertThat(profiles.platforms()).containsOnlyKeys("instagram", "facebook", "whatsapp", "messenger");
        profiles.platforms().forEach((platform, profile) -> {
            for (ImageRendition image : profile.images()) {
                assertThat(image.width() * 16).as(platform + " " + image.name() + " is 9:16").isEqualTo(image.height() * 9);
                assertThat(image.source()).as(platform + " " + image.name() + " cites its numbers").isNotBlank();
            }
            VideoRendition video = profile.video();
            assertThat(video.width() * 16).isEqualTo(video.height() * 9);
            assertThat(video.maxSegmentSeconds()).isLessThanOrEqualTo(60);
            assertThat(video.source()).isNotBlank();
        });
        assertThat(profiles.of("whatsapp").orElseThrow().video().maxBytes()).as("WhatsApp's 16 MB media limit")
                .isPositive().isLessThanOrEqualTo(16L * 1024 * 1024);
    }

    @Test
    void anOperatorsFileWithABadValueIsRefusedNamingTheField(@TempDir Path folder) throws IOException {
        String shipped = new String(PlatformProfiles.class.getResourceAsStream(PlatformProfiles.SHIPPED).readAllBytes());
        Path file = folder.resolve("profiles.json");
        Files.writeString(file, shipped.replaceFirst("\"quality\": 85", "\"quality\": 150"));

        assertThatThrownBy(() -> PlatformProfiles.load(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("profiles.json")
                .hasMessageContaining("story.quality must be 1 to 100, was 150");
    }

    @Test
    void everyShippedVideoFitsAFullSegmentUnderItsByteCap() {
        PlatformProfiles.shipped().platforms().forEach((platform, profile) -> {
            VideoRendition video = profile.video();
            if (video.maxBytes() > 0) {
                long fullSegment = ((long) video.videoBitsPerSecond() + video.audioBitsPerSecond()) * video.maxSegmentSeconds() / 8;
                assertThat(fullSegment).as(platform + ": a full segment at the nominal rates, bytes")
                        .isLessThanOrEqualTo((long) (video.maxBytes() * 0.9));
            }
        });
    }

    @Test
    void anOperatorsVideoBitRateThatCannotFitTheByteCapIsRefused(@TempDir Path folder) throws IOException {
        String shipped = new String(PlatformProfiles.class.getResourceAsStream(PlatformProfiles.SHIPPED).readAllBytes());
        Path file = folder.resolve("profiles.json");
        Files.writeString(file, shipped.replaceFirst("\"videoBitsPerSecond\": 1500000", "\"videoBitsPerSecond\": 3000000"));

        assertThatThrownBy(() -> PlatformProfiles.load(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("profiles.json")
                .hasMessageContaining("3000000 + 128000 b/s for 60 s make 23460000 bytes, more than 90% of maxBytes 16000000");
    }

    @Test
    void anOperatorsFileReplacesTheShippedOne(@TempDir Path folder) throws IOException {
        String shipped = new String(PlatformProfiles.class.getResourceAsStream(PlatformProfiles.SHIPPED).readAllBytes());
        Path file = folder.resolve("profiles.json");
        Files.writeString(file, shipped.replaceFirst("\"quality\": 85", "\"quality\": 60"));

        assertThat(PlatformProfiles.load(file).of("instagram").orElseThrow().images().get(0).quality()).isEqualTo(60);
    }
}
