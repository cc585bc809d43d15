package io.storycast.bench;

import io.storycast.gateway.redis.EmbeddedRedis;

import java.io.File;
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
            "redis-benchmark", "redis-tools",
            "taskset", "util-linux");

    private Tools() {
    }

    /**
     * @return the program's path (looked up as the gateway looks up {@code redis-server}), or empty, having said which
     *         package provides it, when it is not on {@code PATH}
     */
    static Optional<Path> find(String tool) {
        Optional<Path> found = EmbeddedRedis.findOnPath(tool).map(File::toPath);
        if (found.isPresent()) {
            return found;
        }
        System.out.println(notInstalled(tool) + "; its rows are skipped");
        return Optional.empty();
    }

    /** @return "{@code tool} is not installed (Debian package ...: apt-get install ...)" */
    static String notInstalled(String tool) {
        String debianPackage = DEBIAN_PACKAGES.getOrDefault(tool, tool);
        return tool + " is not installed (Debian package " + debianPackage + ": apt-get install " + debianPackage + ")";
    }

    static boolean installed(String tool) {
        return find(tool).isPresent();
    }
}
