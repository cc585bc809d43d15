package io.storycast.ops;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The repository's files as the tests read them: the root from {@code storycast.repositoryRoot} (set by the pom). */
final class RepositoryFiles {
    private RepositoryFiles() {
    }

    /** @return the repository's root folder */
    static Path root() {
        return Path.of(System.getProperty("storycast.repositoryRoot", "..")).toAbsolutePath().normalize();
    }

    /** @return a path below the root, e.g. {@code ops/prometheus/storycast-alerts.yml} */
    static Path path(String relative) {
        return root().resolve(relative);
    }

    static String read(String relative) {
        try {
            return Files.readString(path(relative), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return every document of a YAML file (one or more, separated by ---), each a map, through SnakeYAML's safe loader */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> yamlDocuments(String relative) {
        List<Map<String, Object>> documents = new ArrayList<>();
        for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(read(relative))) {
            if (document != null) {
                documents.add((Map<String, Object>) document);
            }
        }
        return documents;
    }

    /** @return the one document of a YAML file */
    static Map<String, Object> yaml(String relative) {
        List<Map<String, Object>> documents = yamlDocuments(relative);
        if (documents.size() != 1) {
            throw new IllegalStateException(relative + " holds " + documents.size() + " documents, not one");
        }
        return documents.get(0);
    }
}
