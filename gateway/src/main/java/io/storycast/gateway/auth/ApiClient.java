package io.storycast.gateway.auth;

import io.storycast.gateway.story.Platform;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * A caller authenticated by its API key: a producer posting stories, or a reader of trays.
 *
 * @param name      its configured name
 * @param platforms the platforms it may act for
 */
public record ApiClient(String name, Set<Platform> platforms) {
    public ApiClient {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(platforms, "platforms");
        EnumSet<Platform> copy = EnumSet.noneOf(Platform.class);
        copy.addAll(platforms);
        platforms = Collections.unmodifiableSet(copy);
    }

    /** @return true when the client may act for {@code platform} */
    public boolean mayActFor(Platform platform) {
        return platforms.contains(platform);
    }
}
