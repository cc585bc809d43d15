package io.storycast.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Objects;

/** A new folder under the system's temporary folder for one run's files; closing deletes it with everything in it. */
final class TempFolder implements AutoCloseable {
    private final Path path;

    private TempFolder(Path path) {
        this.path = Objects.requireNonNull(path, "path");
    }

    /** @param prefix the start of the folder's name, e.g. {@code storycast-image-comparison} */
    static TempFolder create(String prefix) {
        try {
            return new TempFolder(Files.createTempDirectory(prefix));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary folder " + prefix + "...", e);
        }
    }

    Path path() {
        return path;
    }

    Path resolve(String name) {
        return path.resolve(name);
    }

    /** Deletes the folder, deepest paths first; a file that cannot be deleted is left and said. */
    @Override
    public void close() {
        if (!Files.exists(path)) {
            return;
        }
        try (var paths = Files.walk(path)) {
            paths.sorted(Comparator.reverseOrder()).forEach(file -> {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    System.out.println("could not delete " + file + ": " + e);
                }
            });
        } catch (IOException e) {
            System.out.println("could not delete " + path + ": " + e);
        }
    }
}
