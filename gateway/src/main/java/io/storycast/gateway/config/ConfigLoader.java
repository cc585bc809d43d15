package io.storycast.gateway.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds the {@link StorycastConfig}: shipped defaults, then the JSON file, then {@code STORYCAST_*}
 * environment variables, each layer overriding the one before.
 *
 * <p>The environment variable of a key is {@code STORYCAST_} followed by its path in upper snake case:
 * {@code http.port} is {@code STORYCAST_HTTP_PORT}, {@code redis.embedded.dataDir} is
 * {@code STORYCAST_REDIS_EMBEDDED_DATA_DIR}. Scalars are given as plain text; a list (such as
 * {@code STORYCAST_PRODUCERS}) is given as JSON.
 */
public final class ConfigLoader {
    /** Prefix of every environment variable the loader reads. */
    public static final String ENVIRONMENT_PREFIX = "STORYCAST_";

    private static final String DEFAULTS_RESOURCE = "storycast-defaults.json";

    /** {@code STORYCAST_*} variables read by something other than this loader (logback.xml reads the log level). */
    private static final Set<String> NON_CONFIGURATION_VARIABLES = Set.of("STORYCAST_LOG_LEVEL");

    private final ObjectMapper mapper = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES);

    /** Names of {@code STORYCAST_*} variables that matched no key, for a start-up warning. */
    private final Set<String> unusedEnvironmentVariables = new TreeSet<>();

    /**
     * @param configFile  a JSON file, or {@code null} for defaults and environment only
     * @param environment the process environment (tests pass their own map)
     * @return the validated configuration
     * @throws ConfigException when a file cannot be read, a key is unknown or a value is invalid
     */
    public StorycastConfig load(Path configFile, Map<String, String> environment) {
        ObjectNode tree = (ObjectNode) defaultsTree();
        if (configFile != null) {
            mergeInto(tree, readFile(configFile));
        }
        applyEnvironment(tree, environment);
        try {
            return mapper.treeToValue(tree, StorycastConfig.class).validate();
        } catch (JsonMappingException e) {
            throw new ConfigException(pathOf(e), "is invalid: " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new ConfigException("(root)", "is invalid: " + e.getOriginalMessage());
        }
    }

    /** @return {@code STORYCAST_*} variables of the last {@link #load} that matched no configuration key */
    public Set<String> unusedEnvironmentVariables() {
        return Set.copyOf(unusedEnvironmentVariables);
    }

    /** @return the shipped defaults as a JSON tree (every key present) */
    public JsonNode defaultsTree() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(DEFAULTS_RESOURCE + " is missing from the class path");
            }
            return mapper.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param dottedPath a key path such as {@code redis.embedded.dataDir}
     * @return its environment variable, e.g. {@code STORYCAST_REDIS_EMBEDDED_DATA_DIR}
     */
    public static String environmentVariableOf(String dottedPath) {
        StringBuilder name = new StringBuilder(ENVIRONMENT_PREFIX);
        for (int i = 0; i < dottedPath.length(); i++) {
            char c = dottedPath.charAt(i);
            if (c == '.') {
                name.append('_');
            } else if (Character.isUpperCase(c)) {
                name.append('_').append(c);
            } else {
                name.append(Character.toUpperCase(c));
            }
        }
        return name.toString();
    }

    /** @return every configurable key path of the defaults, dotted; lists (producers) count as one key */
    public List<String> keyPaths() {
        List<String> paths = new ArrayList<>();
        collectLeafPaths(defaultsTree(), "", paths);
        return paths;
    }

    private JsonNode readFile(Path configFile) {
        try {
            JsonNode node = mapper.readTree(Files.readAllBytes(configFile));
            if (node == null || !node.isObject()) {
                throw new ConfigException("(root)", "of " + configFile + " must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new ConfigException("(root)", "of " + configFile + " is not valid JSON: " + e.getOriginalMessage()
                    + " at line " + e.getLocation().getLineNr());
        } catch (IOException e) {
            throw new ConfigException("(file)", "cannot read " + configFile + ": " + e);
        }
    }

    /** Objects merge key by key; lists and scalars replace. Unknown keys are kept so binding names them. */
    private static void mergeInto(ObjectNode target, JsonNode source) {
        Iterator<Map.Entry<String, JsonNode>> fields = source.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode existing = target.get(field.getKey());
            if (existing != null && existing.isObject() && field.getValue().isObject()) {
                mergeInto((ObjectNode) existing, field.getValue());
            } else {
                target.set(field.getKey(), field.getValue());
            }
        }
    }

    private void applyEnvironment(ObjectNode tree, Map<String, String> environment) {
        unusedEnvironmentVariables.clear();
        for (String name : environment.keySet()) {
            if (name.startsWith(ENVIRONMENT_PREFIX) && !NON_CONFIGURATION_VARIABLES.contains(name)) {
                unusedEnvironmentVariables.add(name);
            }
        }
        applyEnvironment(tree, "", environment);
    }

    private void applyEnvironment(ObjectNode node, String prefix, Map<String, String> environment) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        for (String field : names) {
            String path = prefix + field;
            JsonNode value = node.get(field);
            if (value.isObject()) {
                applyEnvironment((ObjectNode) value, path + ".", environment);
                continue;
            }
            String variable = environmentVariableOf(path);
            String text = environment.get(variable);
            if (text == null) {
                continue;
            }
            unusedEnvironmentVariables.remove(variable);
            if (value.isArray()) {
                JsonNode list;
                try {
                    list = mapper.readTree(text);
                } catch (JsonProcessingException e) {
                    throw new ConfigException(path, "from " + variable + " must be a JSON list: " + e.getOriginalMessage());
                }
                if (list == null || !list.isArray()) {
                    throw new ConfigException(path, "from " + variable + " must be a JSON list, e.g. [{...}]");
                }
                node.set(field, list);
            } else {
                // Plain text; Jackson coerces it to the key's type and names the key if it cannot.
                node.set(field, TextNode.valueOf(text));
            }
        }
    }

    private static void collectLeafPaths(JsonNode node, String prefix, List<String> paths) {
        node.fields().forEachRemaining(field -> {
            if (field.getValue().isObject()) {
                collectLeafPaths(field.getValue(), prefix + field.getKey() + ".", paths);
            } else {
                paths.add(prefix + field.getKey());
            }
        });
    }

    private static String pathOf(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : e.getPath()) {
            if (reference.getFieldName() != null) {
                if (path.length() > 0) {
                    path.append('.');
                }
                path.append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.length() == 0 ? "(root)" : path.toString();
    }
}
