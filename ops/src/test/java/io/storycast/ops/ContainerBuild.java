package io.storycast.ops;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Builds the image from {@code ops/container/Containerfile}, unchanged, with podman: its production base images
 * ({@code debian:bookworm-slim} by default for both stages), of which the storage holds the stand-in that
 * {@code debian-slim-standin.sh} imports, so nothing is pulled ({@code --pull=never}: a machine without Docker Hub).
 * Both stages install Debian's packages from Debian's mirror and the build stage's Maven takes the dependencies
 * from Maven Central into the Containerfile's cache mount (empty on a fresh machine, so the first build downloads
 * everything: that is what a production build does).
 * <p>
 * A TLS-inspecting proxy between the build and Maven Central signs with its own CA: the certificates in
 * {@code storycast.ops.buildCaDir} (default {@code /usr/local/share/ca-certificates}, where Debian keeps the CAs
 * a machine added, the very ones that let the host's Maven through) go to the build stage as the
 * {@code build-ca} secret. None is passed when the folder has none; the runtime stage never sees it.
 */
final class ContainerBuild {
    static final String IMAGE = "localhost/storycast/gateway:test";

    private final Podman podman;

    ContainerBuild(Podman podman) {
        this.podman = podman;
    }

    /** @return the image's name, built (layers whose inputs did not change come from podman's cache) */
    String build() throws IOException, InterruptedException {
        long start = System.nanoTime();
        podman.ensureBaseImage();
        long based = System.nanoTime();
        List<String> build = new ArrayList<>(List.of("build", "--format", "docker", "--pull=never"));
        build.addAll(podman.ulimits());
        Path ca = buildCa();
        if (ca != null) {
            build.addAll(List.of("--secret", "id=build-ca,src=" + ca));
        }
        build.addAll(List.of("--file", RepositoryFiles.path("ops/container/Containerfile").toString(),
                "--ignorefile", RepositoryFiles.path("ops/container/Containerfile.dockerignore").toString(),
                "--tag", IMAGE, RepositoryFiles.root().toString()));
        Commands.Result result = podman.run(Duration.ofMinutes(15), build);
        if (result.status() != 0) {
            throw new AssertionError("podman build failed:\n" + result.output());
        }
        System.out.printf("container: base image ready in %.1f s, image built in %.1f s (%s)%n",
                (based - start) / 1e9, (System.nanoTime() - based) / 1e9, podman.inspect(IMAGE, "{{.Size}}") + " bytes");
        return IMAGE;
    }

    /** @return a file with every PEM certificate of the build CA folder, or null when it has none */
    private static Path buildCa() throws IOException {
        Path dir = Path.of(System.getProperty("storycast.ops.buildCaDir", "/usr/local/share/ca-certificates"));
        if (!Files.isDirectory(dir)) {
            return null;
        }
        StringBuilder pem = new StringBuilder();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(path -> path.toString().endsWith(".crt")).sorted().toList()) {
                pem.append(Files.readString(file, StandardCharsets.US_ASCII).strip()).append('\n');
            }
        }
        if (pem.isEmpty()) {
            return null;
        }
        Path bundle = Files.createDirectories(RepositoryFiles.path("ops/target")).resolve("build-ca.pem");
        return Files.writeString(bundle, pem);
    }
}
