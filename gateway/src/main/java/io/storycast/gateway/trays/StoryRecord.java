package io.storycast.gateway.trays;

import io.storycast.gateway.story.MediaKind;
import io.storycast.gateway.story.Platform;
import io.storycast.gateway.story.StoryEvent;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The field layout of a story's hash ({@code RedisKeys.story}): what a tray read shows of the story, and
 * the platforms its fan-out targets. The hash expires when the story does, so a tray entry whose story
 * hash is gone has expired. A retracted story keeps its hash, marked {@link #RETRACTED}, until its expiry,
 * so a late or repeated fan-out cannot bring it back. The fan-out's progress lives in the same hash (see
 * {@code fanout.TargetProgress}).
 *
 * @param source          the platform the story was posted on
 * @param storyId         its id on {@code source}
 * @param authorId        the author
 * @param createdAtMillis when it was posted, epoch ms: its score in trays
 * @param expiresAtMillis when it disappears, epoch ms
 * @param mediaId         the media object's id
 * @param mediaKind       image or video
 * @param caption         the caption, or {@code null}
 */
public record StoryRecord(Platform source, String storyId, String authorId, long createdAtMillis, long expiresAtMillis,
                          String mediaId, MediaKind mediaKind, String caption) {

    public static final String AUTHOR = "authorId";
    public static final String CREATED_AT = "createdAt";
    public static final String EXPIRES_AT = "expiresAt";
    public static final String AUDIENCE = "audience";
    public static final String MEDIA_ID = "mediaId";
    public static final String MEDIA_KIND = "mediaKind";
    public static final String CAPTION = "caption";
    /** The stream entry and index the story came from, {@code "<entryId>#<index>"}, for tracing. */
    public static final String ENTRY = "entry";
    /** The platforms the fan-out writes to, comma-separated, the source first. */
    public static final String TARGETS = "targets";
    /** Present once the story was retracted: when, epoch ms. */
    public static final String RETRACTED = "retracted";

    /** The fields a tray read needs, in the order {@link #fromTrayFields} reads them. */
    public static final List<String> TRAY_FIELDS = List.of(AUTHOR, CREATED_AT, EXPIRES_AT, MEDIA_ID, MEDIA_KIND,
            CAPTION, RETRACTED);

    public StoryRecord {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(storyId, "storyId");
        Objects.requireNonNull(authorId, "authorId");
        Objects.requireNonNull(mediaId, "mediaId");
        Objects.requireNonNull(mediaKind, "mediaKind");
    }

    /** @return what a tray shows of an accepted event */
    public static StoryRecord of(StoryEvent event) {
        return new StoryRecord(event.platform(), event.storyId(), event.authorId(), event.createdAtMillis(),
                event.expiresAtMillis(), event.mediaId(), event.mediaKind(), event.caption());
    }

    /**
     * @param event   the accepted event
     * @param entry   where it is in its stream, {@code "<entryId>#<index>"}
     * @param targets the platforms it goes to, the source among them
     * @return the hash's initial fields and values, flattened: field, value, field, value...
     */
    public static List<String> initialFields(StoryEvent event, String entry, Set<Platform> targets) {
        List<String> fields = new ArrayList<>(20);
        add(fields, AUTHOR, event.authorId());
        add(fields, CREATED_AT, Long.toString(event.createdAtMillis()));
        add(fields, EXPIRES_AT, Long.toString(event.expiresAtMillis()));
        add(fields, AUDIENCE, event.audience().wireName());
        add(fields, MEDIA_ID, event.mediaId());
        add(fields, MEDIA_KIND, event.mediaKind().wireName());
        if (event.caption() != null) {
            add(fields, CAPTION, event.caption());
        }
        add(fields, ENTRY, entry);
        add(fields, TARGETS, targetList(event.platform(), targets));
        return fields;
    }

    /** @return the targets as stored: the source first, then the others in platform order */
    static String targetList(Platform source, Set<Platform> targets) {
        StringBuilder list = new StringBuilder(source.wireName());
        for (Platform target : Platform.values()) {
            if (target != source && targets.contains(target)) {
                list.append(',').append(target.wireName());
            }
        }
        return list.toString();
    }

    /** @return the platforms of a stored target list */
    public static Set<Platform> parseTargets(String list) {
        EnumSet<Platform> targets = EnumSet.noneOf(Platform.class);
        if (list != null && !list.isEmpty()) {
            for (String name : list.split(",")) {
                Platform platform = Platform.fromWireName(name);
                if (platform != null) {
                    targets.add(platform);
                }
            }
        }
        return targets;
    }

    /**
     * @param values the values of {@link #TRAY_FIELDS}, in order ({@code null} for a missing field)
     * @return the record, or {@code null} when the story is gone (expired), retracted or past
     *         {@code nowMillis}
     */
    static StoryRecord fromTrayFields(Platform source, String storyId, List<String> values, long nowMillis) {
        String author = values.get(0);
        if (author == null || values.get(6) != null) {
            return null;
        }
        long expiresAt = Long.parseLong(values.get(2));
        if (expiresAt <= nowMillis) {
            return null;
        }
        // Written by the fan-out from a validated event: a field that does not parse is a bug, not input.
        return new StoryRecord(source, storyId, author, Long.parseLong(values.get(1)), expiresAt, values.get(3),
                MediaKind.fromWireName(values.get(4)), values.get(5));
    }

    private static void add(List<String> fields, String field, String value) {
        fields.add(field);
        fields.add(value);
    }
}
