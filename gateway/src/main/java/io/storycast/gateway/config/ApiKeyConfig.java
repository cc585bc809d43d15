package io.storycast.gateway.config;

import io.storycast.gateway.story.Platform;

import java.util.List;

/**
 * An API key: a producer (a platform story service allowed to post events) or a tray reader (a platform
 * service allowed to read subscribers' trays).
 *
 * @param name      a short name for logs and the stream entries, 1 to 64 of A-Z a-z 0-9 _ . -
 * @param key       the bearer key the client sends, at least 16 characters
 * @param platforms the platforms it may post for or read on (wire names), at least one
 */
public record ApiKeyConfig(String name, String key, List<String> platforms) {

    public ApiKeyConfig {
        platforms = platforms == null ? null : List.copyOf(platforms);
    }

    void validate(String path) {
        ConfigException.require(name != null && name.matches("[A-Za-z0-9_.-]{1,64}"),
                path + ".name", "must be 1 to 64 of A-Z a-z 0-9 _ . -");
        ConfigException.require(key != null && key.length() >= 16, path + ".key", "must be at least 16 characters");
        ConfigException.require(platforms != null && !platforms.isEmpty(), path + ".platforms", "must name at least one platform");
        for (int i = 0; i < platforms.size(); i++) {
            ConfigException.require(Platform.fromWireName(platforms.get(i)) != null, path + ".platforms[" + i + "]",
                    "'" + platforms.get(i) + "' is not one of " + Platform.wireNames());
        }
    }
}
