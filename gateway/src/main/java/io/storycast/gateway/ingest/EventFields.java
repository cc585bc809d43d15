package io.storycast.gateway.ingest;

import io.storycast.gateway.story.FieldProblem;
import io.storycast.gateway.config.IngestConfig;
import io.storycast.gateway.story.Audience;
import io.storycast.gateway.story.MediaKind;
import io.storycast.gateway.story.Platform;
import io.storycast.gateway.story.Rfc3339;
import io.storycast.gateway.story.StoryEvent;

import java.util.EnumSet;

/**
 * The raw fields of one event while it is parsed, and the semantic rules that turn them into a
 * {@link StoryEvent}. One instance per decode; not shared.
 */
final class EventFields {
    // One bit per field: a repeated field is caught without a set.
    private static final int MEDIA_BIT = bitOf("media");
    private int seen;

    String platform;
    String storyId;
    String authorId;
    String createdAt;
    String expiresAt;
    String audience;
    String caption;
    String mediaId;
    String mediaKind;
    EnumSet<Platform> shareTo;

    /** @return a {@code duplicate} problem when the field was already present, else {@code null} */
    FieldProblem markSeen(String field) {
        int bit = bitOf(field);
        if ((seen & bit) != 0) {
            return new FieldProblem(field, "duplicate", field + " appears twice");
        }
        seen |= bit;
        return null;
    }

    private static int bitOf(String field) {
        return switch (field) {
            case "platform" -> 1;
            case "storyId" -> 1 << 1;
            case "authorId" -> 1 << 2;
            case "createdAt" -> 1 << 3;
            case "expiresAt" -> 1 << 4;
            case "audience" -> 1 << 5;
            case "caption" -> 1 << 6;
            case "media" -> 1 << 7;
            case "media.id" -> 1 << 8;
            case "media.kind" -> 1 << 9;
            case "shareTo" -> 1 << 10;
            default -> throw new IllegalArgumentException("not a story event field: " + field);
        };
    }

    void setText(String field, String text) {
        switch (field) {
            case "platform" -> platform = text;
            case "storyId" -> storyId = text;
            case "authorId" -> authorId = text;
            case "createdAt" -> createdAt = text;
            case "expiresAt" -> expiresAt = text;
            case "audience" -> audience = text;
            case "caption" -> caption = text;
            case "media.id" -> mediaId = text;
            case "media.kind" -> mediaKind = text;
            default -> throw new IllegalArgumentException("not a text field: " + field);
        }
    }

    /** Applies the semantic rules, in field order, and builds the event. */
    DecodeResult toEvent(IngestConfig limits, long nowMillis) {
        if (platform == null) {
            return invalid(FieldProblem.required("platform"));
        }
        Platform source = Platform.fromWireName(platform);
        if (source == null) {
            return invalid(new FieldProblem("platform", "enum", "platform '" + platform + "' is not one of " + Platform.wireNames()));
        }
        if (storyId == null) {
            return invalid(FieldProblem.required("storyId"));
        }
        if (authorId == null) {
            return invalid(FieldProblem.required("authorId"));
        }
        if (createdAt == null) {
            return invalid(FieldProblem.required("createdAt"));
        }
        long created = Rfc3339.parseEpochMillis(createdAt);
        if (created == Rfc3339.INVALID) {
            return invalid(new FieldProblem("createdAt", "rfc3339", "createdAt must be an RFC 3339 date-time with an offset, e.g. 2026-11-21T12:00:00Z"));
        }
        long maxSkewMillis = limits.maxClockSkewSeconds() * 1000;
        if (created > nowMillis + maxSkewMillis) {
            return invalid(new FieldProblem("createdAt", "range", "createdAt lies more than " + limits.maxClockSkewSeconds() + " s in the future"));
        }
        long maxLifetimeMillis = limits.maxStoryLifetimeSeconds() * 1000;
        long expires = created + maxLifetimeMillis;
        if (expiresAt != null) {
            expires = Rfc3339.parseEpochMillis(expiresAt);
            if (expires == Rfc3339.INVALID) {
                return invalid(new FieldProblem("expiresAt", "rfc3339", "expiresAt must be an RFC 3339 date-time with an offset"));
            }
            if (expires <= created || expires - created > maxLifetimeMillis) {
                return invalid(new FieldProblem("expiresAt", "range", "expiresAt must be after createdAt by at most "
                        + limits.maxStoryLifetimeSeconds() + " s"));
            }
        }
        if (expires <= nowMillis) {
            String field = expiresAt != null ? "expiresAt" : "createdAt";
            return invalid(new FieldProblem(field, "expired", "the story has already expired (" + field + " "
                    + (expiresAt != null ? expiresAt : createdAt + " plus " + limits.maxStoryLifetimeSeconds() + " s") + " is past)"));
        }
        if (audience == null) {
            return invalid(FieldProblem.required("audience"));
        }
        Audience storyAudience = Audience.fromWireName(audience);
        if (storyAudience == null) {
            return invalid(new FieldProblem("audience", "enum", "audience '" + audience + "' is not one of default, close_friends"));
        }
        if ((seen & MEDIA_BIT) == 0) {
            return invalid(FieldProblem.required("media"));
        }
        if (mediaId == null) {
            return invalid(FieldProblem.required("media.id"));
        }
        if (mediaKind == null) {
            return invalid(FieldProblem.required("media.kind"));
        }
        MediaKind kind = MediaKind.fromWireName(mediaKind);
        if (kind == null) {
            return invalid(new FieldProblem("media.kind", "enum", "media.kind '" + mediaKind + "' is not one of image, video"));
        }
        if (caption != null && caption.codePointCount(0, caption.length()) > limits.maxCaptionLength()) {
            return invalid(new FieldProblem("caption", "length", "caption must be at most " + limits.maxCaptionLength() + " characters"));
        }
        if (shareTo != null && shareTo.contains(source)) {
            return invalid(new FieldProblem("shareTo", "source", "shareTo must not name the source platform " + source.wireName()));
        }
        if (shareTo != null && !shareTo.isEmpty() && storyAudience == Audience.CLOSE_FRIENDS) {
            return invalid(new FieldProblem("shareTo", "privacy", "a close_friends story is never cross-shared; shareTo must be empty"));
        }
        return DecodeResult.valid(new StoryEvent(source, storyId, authorId, created, expires, storyAudience,
                mediaId, kind, caption, shareTo));
    }

    private static DecodeResult invalid(FieldProblem problem) {
        return DecodeResult.invalid(problem);
    }
}
