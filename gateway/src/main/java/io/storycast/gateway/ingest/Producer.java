package io.storycast.gateway.ingest;

import io.storycast.gateway.story.Platform;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * An authenticated producer.
 *
 * @param name      its configured name
 * @param platforms the source platforms it may post for
 */
public record Producer(String name, Set<Platform> platforms) {
    public Producer {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(platforms, "platforms");
        EnumSet<Platform> copy = EnumSet.noneOf(Platform.class);
        copy.addAll(platforms);
        platforms = Collections.unmodifiableSet(copy);
    }

    public boolean mayPostFor(Platform platform) {
        return platforms.contains(platform);
    }
}
