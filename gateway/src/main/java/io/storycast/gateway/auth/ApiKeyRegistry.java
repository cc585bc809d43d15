package io.storycast.gateway.auth;

import io.storycast.gateway.config.ApiKeyConfig;
import io.storycast.gateway.story.Platform;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Finds the client of a bearer key: one registry for the producers, one for the tray readers. Keys are
 * looked up by their SHA-256 digest, so the time a lookup takes tells nothing about how much of a guessed
 * key was right, and no key is kept in a map as text.
 */
public final class ApiKeyRegistry {
    private final Map<ByteBuffer, ApiClient> clientsByKeyDigest = new HashMap<>();

    /** @param clients the validated client configurations */
    public ApiKeyRegistry(List<ApiKeyConfig> clients) {
        Objects.requireNonNull(clients, "clients");
        for (ApiKeyConfig config : clients) {
            EnumSet<Platform> platforms = EnumSet.noneOf(Platform.class);
            for (String name : config.platforms()) {
                Platform platform = Platform.fromWireName(name);
                if (platform == null) {
                    throw new IllegalArgumentException("client " + config.name() + ": unknown platform " + name);
                }
                platforms.add(platform);
            }
            clientsByKeyDigest.put(digest(config.key()), new ApiClient(config.name(), platforms));
        }
    }

    /** @return the client holding {@code key}, or {@code null} when no client does */
    public ApiClient find(String key) {
        return key == null ? null : clientsByKeyDigest.get(digest(key));
    }

    private static ByteBuffer digest(String key) {
        try {
            return ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
