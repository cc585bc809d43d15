package io.storycast.media.openh264;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link OpenH264Abi}'s numbers are the installed OpenH264 headers' numbers: gcc compiles {@code openh264/abi.c}
 * (offsetof, sizeof and the enum values) against {@code /usr/include/wels}, and every name it prints must be a
 * constant with the same value, and every constant a name it prints. Needs gcc and Debian's
 * {@code libopenh264-dev}: the {@code with-media-tools} profile, after {@code .ci/run} installs them.
 */
@Tag("media-tools")
class OpenH264AbiTest {
    @Test
    void everyOffsetSizeAndEnumValueMatchesTheInstalledHeaders(@TempDir Path work) throws Exception {
        Path source = work.resolve("abi.c");
        try (InputStream in = OpenH264AbiTest.class.getResourceAsStream("/openh264/abi.c")) {
            Files.copy(in, source);
        }
        Path program = work.resolve("abi");
        run(work, "gcc", "-o", program.toString(), source.toString());

        Map<String, Long> headers = new TreeMap<>();
        for (String line : run(work, program.toString()).split("\n")) {
            String[] nameAndValue = line.split("=");
            headers.put(nameAndValue[0], Long.parseLong(nameAndValue[1]));
        }

        assertThat(constants()).isEqualTo(headers);
    }

    private static Map<String, Long> constants() throws IllegalAccessException {
        Map<String, Long> constants = new TreeMap<>();
        for (Field field : OpenH264Abi.class.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == int.class) {
                constants.put(field.getName(), (long) field.getInt(null));
            }
        }
        return constants;
    }

    private static String run(Path directory, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(String.join(" ", command) + " finished").isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command) + ": " + output).isZero();
        return output;
    }
}
