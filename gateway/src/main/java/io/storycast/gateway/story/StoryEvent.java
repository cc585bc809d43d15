package io.storycast.gateway.story;

import java.util.Objects;
import java.util.Set;

/**
 * A validated story event, as accepted from a producer. Instances are only built by the ingest decoder,
 * after every rule held, so every field here is known to be well-formed.
 *
 * @param platform          the source platform the story was posted on
 * @param storyId           unique within {@code platform}; with it, the idempotency key
 * @param authorId          the author's id on {@code platform}
 * @param createdAtMillis   when the story was posted, epoch milliseconds (UTC)
 * @param expiresAtMillis   when the story leaves every tray, epoch milliseconds (UTC), after {@code createdAtMillis}
 * @param audience          who the story is for on its source platform
 * @param mediaId           the media object's id
 * @param mediaKind         image or video
 * @param caption           the caption, or {@code null}
 * @param shareTo           the targets the producer narrows the author's preference to, or {@code null} for
 *                          "whatever the author prefers"; never contains {@code platform}
 */
public record StoryEvent(
        Platform platform,
        String storyId,
        String authorId,
        long createdAtMillis,
        long expiresAtMillis,
        Audience audience,
        String mediaId,
        MediaKind mediaKind,
        String caption,
        Set<Platform> shareTo) {

    public StoryEvent {
        Objects.requireNonNull(platform, "platform");
        Objects.requireNonNull(storyId, "storyId");
        Objects.requireNonNull(authorId, "authorId");
        Objects.requireNonNull(audience, "audience");
        Objects.requireNonNull(mediaId, "mediaId");
        Objects.requireNonNull(mediaKind, "mediaKind");
        shareTo = shareTo == null ? null : Set.copyOf(shareTo);
    }
}
