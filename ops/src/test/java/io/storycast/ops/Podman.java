package io.storycast.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Podman as the container tests use it: a storage of the tests' own (so the imported stand-in for
 * {@code debian:bookworm-slim} never shadows a real image in the machine's storage), and the settings a
 * sandboxed CI machine needs, none of which touch the image:
 * <ul>
 *   <li>{@code --runtime runc}: crun 1.8 refuses a hybrid cgroup layout (cgroup v1 controllers with a cgroup2
 *       mount beside them), which is what CI's machine has; runc runs there and everywhere else;</li>
 *   <li>{@code --ulimit nofile,nproc}: podman's defaults (1,048,576 open files) exceed the hard limit of a machine
 *       where root lacks CAP_SYS_RESOURCE; the container gets the test JVM's own hard limit for open files and
 *       8,192 processes, plenty for one JVM.</li>
 * </ul>
 * The storage folder is {@code storycast.ops.podmanRoot}, by default {@code storycast-data/podman} in the
 * repository (ignored by git), kept between runs so that a second run reuses the base image and layers.
 */
final class Podman {
    static final String BASE_IMAGE = "docker.io/library/debian:bookworm-slim";

    private final Path root;

    Podman() {
        this.root = Path.of(System.getProperty("storycast.ops.podmanRoot",
                RepositoryFiles.path("storycast-data/podman").toString())).toAbsolutePath();
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return {@code podman} with the global options, as one shell word list */
    List<String> command() {
        return List.of("podman", "--root", root.resolve("storage").toString(), "--runroot", root.resolve("run").toString(),
                "--runtime", "runc");
    }

    /** @return the {@code --ulimit} options for build and run */
    List<String> ulimits() {
        return List.of("--ulimit", "nofile=" + openFilesHardLimit() + ":" + openFilesHardLimit(), "--ulimit", "nproc=8192:8192");
    }

    /** Runs {@code podman <arguments>} to its end. */
    Commands.Result run(Duration timeout, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(command());
        command.addAll(List.of(arguments));
        return Commands.run(command, null, timeout);
    }

    /** Runs {@code podman <arguments>} to its end. */
    Commands.Result run(Duration timeout, List<String> arguments) throws IOException, InterruptedException {
        return run(timeout, arguments.toArray(String[]::new));
    }

    boolean imageExists(String image) throws IOException, InterruptedException {
        return run(Duration.ofSeconds(30), "image", "exists", image).status() == 0;
    }

    /** @return a {@code podman inspect --format} value of an image or container */
    String inspect(String target, String format) throws IOException, InterruptedException {
        return run(Duration.ofSeconds(30), "inspect", "--format", format, target).ok().output().strip();
    }

    /**
     * Imports the stand-in for {@value #BASE_IMAGE} ({@code ops/container/debian-slim-standin.sh}: debootstrap
     * from Debian's mirror) unless the storage has it.
     */
    void ensureBaseImage() throws IOException, InterruptedException {
        if (imageExists(BASE_IMAGE)) {
            return;
        }
        List<String> script = List.of("bash", RepositoryFiles.path("ops/container/debian-slim-standin.sh").toString(),
                "--podman", String.join(" ", command()));
        Commands.run(script, null, Duration.ofMinutes(10)).ok();
    }

    /** @return the hard limit of open files of this JVM (Linux's /proc/self/limits), at most podman's default */
    private static long openFilesHardLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String hard = line.substring("Max open files".length()).strip().split("\\s+")[1];
                    return hard.equals("unlimited") ? 1_048_576 : Math.min(Long.parseLong(hard), 1_048_576);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no open files limit in /proc/self/limits");
    }
}
