package io.storycast.gateway.ingest;

import io.storycast.gateway.config.ProducerConfig;
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
 * Finds the producer of a bearer key. Keys are looked up by their SHA-256 digest, so the time a lookup
 * takes tells nothing about how much of a guessed key was right, and no key is kept in a map as text.
 */
public final class ProducerRegistry {
    private final Map<ByteBuffer, Producer> producersByKeyDigest = new HashMap<>();

    /** @param producers the validated producer configurations */
    public ProducerRegistry(List<ProducerConfig> producers) {
        Objects.requireNonNull(producers, "producers");
        for (ProducerConfig config : producers) {
            EnumSet<Platform> platforms = EnumSet.noneOf(Platform.class);
            for (String name : config.platforms()) {
                Platform platform = Platform.fromWireName(name);
                if (platform == null) {
                    throw new IllegalArgumentException("producer " + config.name() + ": unknown platform " + name);
                }
                platforms.add(platform);
            }
            producersByKeyDigest.put(digest(config.key()), new Producer(config.name(), platforms));
        }
    }

    /** @return the producer holding {@code key}, or {@code null} when no producer does */
    public Producer find(String key) {
        return key == null ? null : producersByKeyDigest.get(digest(key));
    }

    private static ByteBuffer digest(String key) {
        try {
            return ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
