package io.storycast.media.openh264;

import com.sun.jna.Memory;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The binding on its own, against the system's {@code libopenh264.so.7} (the {@code with-media-tools} profile):
 * what an encoder hands out, settings it refuses, and native memory over many encoders.
 */
@Tag("media-tools")
class OpenH264EncoderTest {
    private static final OpenH264Library LIBRARY = OpenH264Library.load(OpenH264Library.DEFAULT_LIBRARY);
    private static final int WIDTH = 320;
    private static final int HEIGHT = 240;

    private static OpenH264Settings settings(int intraPeriod, int threads) {
        return new OpenH264Settings(WIDTH, HEIGHT, 30, 500_000, 500_000, intraPeriod, threads,
                OpenH264Settings.UNSPECIFIED, OpenH264Settings.UNSPECIFIED, OpenH264Settings.UNSPECIFIED);
    }

    @Test
    void handsOutParameterSetsApartAndAnIdrPictureEveryIntraPeriod() {
        try (OpenH264Encoder encoder = LIBRARY.newEncoder(settings(4, 2)); Memory frame = grey()) {
            ByteBuffer parameterSets = encoder.parameterSets();
            assertThat(nalTypes(parameterSets)).containsExactly(7, 8); // SPS, PPS

            StringBuilder pictures = new StringBuilder();
            for (int i = 0; i < 9; i++) {
                assertThat(encoder.encode(planes(frame), new int[]{WIDTH, WIDTH / 2, WIDTH / 2})).isTrue();
                ByteBuffer picture = encoder.picture();
                assertThat(nalTypes(picture)).as("picture %d: slices only, no SPS/PPS", i).doesNotContain(7, 8).isNotEmpty();
                pictures.append(encoder.keyFrame() ? 'I' : 'p');
            }
            assertThat(pictures).hasToString("IpppIpppI");
        }
    }

    @Test
    void refusesSettingsOutsideTheirRanges() {
        assertThatThrownBy(() -> new OpenH264Settings(321, 240, 30, 500_000, 500_000, 60, 1, 2, 2, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("even");
        assertThatThrownBy(() -> new OpenH264Settings(320, 240, 30, 500_000, 400_000, 60, 1, 2, 2, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxBitsPerSecond");
        assertThatThrownBy(() -> new OpenH264Settings(320, 240, 30, 500_000, 500_000, 60, 17, 2, 2, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("threads");
    }

    @Test
    void refusesAPictureLargerThanOpenH264EncodesSayingSo() {
        // 4096x4096 is 16.8 MP; OpenH264 2.3 encodes at most 9,437,184 pixels (InitializeExt fails).
        assertThatThrownBy(() -> LIBRARY.newEncoder(tooLarge()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("refused the settings").hasMessageContaining("width=4096");
    }

    @Test
    void nativeMemoryReturnsToItsBaselineAfterAThousandEncoders() throws IOException {
        // Each encoder holds its reference pictures and slice threads' buffers inside OpenH264 until it is
        // uninitialised: with close() calling neither Uninitialize nor WelsDestroySVCEncoder this fails. Each
        // round also makes an encoder that OpenH264 refuses, whose failure path must free it as well.
        try (Memory frame = grey()) {
            for (int i = 0; i < 200; i++) {
                encodeOne(frame);
            }
            long early = Long.MAX_VALUE;
            long late = Long.MAX_VALUE;
            for (int i = 0; i < 1_500; i++) {
                encodeOne(frame);
                if (i % 100 == 99) {
                    if (i < 300) {
                        early = Math.min(early, residentBytes());
                    } else if (i >= 1_200) {
                        late = Math.min(late, residentBytes());
                    }
                }
            }
            assertThat(late - early).as("bytes the resident floor rose").isLessThan(32L << 20);
        }
    }

    private static void encodeOne(Memory frame) {
        try (OpenH264Encoder encoder = LIBRARY.newEncoder(settings(60, 2))) {
            encoder.parameterSets();
            encoder.encode(planes(frame), new int[]{WIDTH, WIDTH / 2, WIDTH / 2});
        }
        // And the path where OpenH264 refuses the settings after the encoder was made: it must free it too.
        assertThatThrownBy(() -> LIBRARY.newEncoder(tooLarge())).isInstanceOf(IllegalArgumentException.class);
    }

    private static OpenH264Settings tooLarge() {
        return new OpenH264Settings(4096, 4096, 30, 500_000, 500_000, 60, 1,
                OpenH264Settings.UNSPECIFIED, OpenH264Settings.UNSPECIFIED, OpenH264Settings.UNSPECIFIED);
    }

    private static Memory grey() {
        Memory frame = new Memory(WIDTH * HEIGHT * 3L / 2);
        frame.setMemory(0, frame.size(), (byte) 128);
        return frame;
    }

    private static long[] planes(Memory frame) {
        long y = com.sun.jna.Pointer.nativeValue(frame);
        return new long[]{y, y + (long) WIDTH * HEIGHT, y + (long) WIDTH * HEIGHT * 5 / 4};
    }

    /** @return the NAL unit types of an Annex B buffer, in order */
    private static java.util.List<Integer> nalTypes(ByteBuffer annexB) {
        java.util.List<Integer> types = new java.util.ArrayList<>();
        for (int i = 0; i + 3 < annexB.limit(); i++) {
            if (annexB.get(i) == 0 && annexB.get(i + 1) == 0 && annexB.get(i + 2) == 1) {
                types.add(annexB.get(i + 3) & 0x1F);
                i += 3;
            }
        }
        return types;
    }

    private static long residentBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
