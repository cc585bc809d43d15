package io.storycast.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The outside programs the comparisons measure against, found on {@code PATH}. Nothing is ever installed:
 * a missing program is named with the Debian package that provides it, and its rows are skipped.
 */
final class Tools {
    /** Each program and the Debian package that provides it. */
    static final Map<String, String> DEBIAN_PACKAGES = Map.of(
            "ffmpeg", "ffmpeg",
            "vipsthumbnail", "libvips-tools",
            "redis-benchmark", "redis-tools");

    private Tools() {
    }

    /** @return the program's path, or empty (having said which package provides it) when it is not on {@code PATH} */
    static Optional<Path> find(String tool) {
        for (String folder : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!folder.isEmpty() && Files.isExecutable(Path.of(folder, tool))) {
                return Optional.of(Path.of(folder, tool));
            }
        }
        String debianPackage = DEBIAN_PACKAGES.getOrDefault(tool, tool);
        System.out.printf("%s is not installed (Debian package %s: apt-get install %s); its rows are skipped%n",
                tool, debianPackage, debianPackage);
        return Optional.empty();
    }

    static boolean installed(String tool) {
        return find(tool).isPresent();
    }
}
