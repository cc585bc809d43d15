package io.storycast.gateway.trays;

import io.storycast.gateway.story.Platform;
import io.storycast.gateway.story.Rfc3339;
import io.vertx.core.json.JsonObject;

/**
 * A tray entry as clients see it, the one shape of a story in a tray page ({@code GET /v1/trays}) and in a
 * live push ({@code /v1/live}): the story, and the media reference for the tray's platform (the rendition of
 * that platform).
 */
public final class TrayEntries {
    private TrayEntries() {
    }

    /** @param trayPlatform the platform of the tray the story is in (its media rendition's platform) */
    public static JsonObject toJson(StoryRecord story, Platform trayPlatform) {
        return new JsonObject()
                .put("storyId", story.storyId())
                .put("sourcePlatform", story.source().wireName())
                .put("authorId", story.authorId())
                .put("caption", story.caption())
                .put("media", new JsonObject().put("id", story.mediaId()).put("kind", story.mediaKind().wireName())
                        .put("platform", trayPlatform.wireName()))
                .put("createdAt", Rfc3339.formatUtcMillis(story.createdAtMillis()))
                .put("expiresAt", Rfc3339.formatUtcMillis(story.expiresAtMillis()));
    }
}
