package io.storycast.gateway.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.storycast.gateway.story.Audience;
import io.storycast.gateway.story.MediaKind;
import io.storycast.gateway.story.Platform;
import io.storycast.gateway.story.Rfc3339;
import io.storycast.gateway.story.StoryEvent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Writes a validated event as the canonical JSON stored in the stream: the input schema with
 * {@code expiresAt} always present and times in UTC. Consumers of the stream read this one shape.
 * Thread-safe.
 */
public final class StoryEventEncoder {
    private static final JsonFactory JSON = new JsonFactory();
    // Names and enum values encoded once: writing them from a String costs a character scan each time.
    private static final SerializedString PLATFORM = new SerializedString("platform");
    private static final SerializedString STORY_ID = new SerializedString("storyId");
    private static final SerializedString AUTHOR_ID = new SerializedString("authorId");
    private static final SerializedString CREATED_AT = new SerializedString("createdAt");
    private static final SerializedString EXPIRES_AT = new SerializedString("expiresAt");
    private static final SerializedString AUDIENCE = new SerializedString("audience");
    private static final SerializedString MEDIA = new SerializedString("media");
    private static final SerializedString MEDIA_ID = new SerializedString("id");
    private static final SerializedString MEDIA_KIND = new SerializedString("kind");
    private static final SerializedString CAPTION = new SerializedString("caption");
    private static final SerializedString SHARE_TO = new SerializedString("shareTo");
    private static final SerializedString[] PLATFORM_NAMES = JsonNames.of(Platform.values(), Platform::wireName);
    private static final SerializedString[] AUDIENCE_NAMES = JsonNames.of(Audience.values(), Audience::wireName);
    private static final SerializedString[] MEDIA_KIND_NAMES = JsonNames.of(MediaKind.values(), MediaKind::wireName);

    /** @return the event as UTF-8 JSON */
    public byte[] encode(StoryEvent event) {
        return encodeLines(List.of(event), new int[1]);
    }

    /**
     * Writes events as NDJSON through one generator (a generator per event costs about as much as the
     * event itself).
     *
     * @param events  the events, in order
     * @param lengths receives each event's length in bytes, newline excluded; at least {@code events.size()} long
     * @return the events' UTF-8 JSON joined by {@code '\n'}, without a trailing newline
     */
    public byte[] encodeLines(List<StoryEvent> events, int[] lengths) {
        try (ByteArrayBuilder bytes = new ByteArrayBuilder(events.size() * 320);
             JsonGenerator json = JSON.createGenerator(bytes)) {
            int end = 0;
            for (int k = 0; k < events.size(); k++) {
                if (k > 0) {
                    json.writeRaw('\n');
                    end++;
                }
                write(events.get(k), json);
                json.flush();
                lengths[k] = bytes.size() - end;
                end = bytes.size();
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to memory cannot fail", e);
        }
    }

    private static void write(StoryEvent event, JsonGenerator json) throws IOException {
        json.writeStartObject();
        json.writeFieldName(PLATFORM);
        json.writeString(PLATFORM_NAMES[event.platform().ordinal()]);
        json.writeFieldName(STORY_ID);
        json.writeString(event.storyId());
        json.writeFieldName(AUTHOR_ID);
        json.writeString(event.authorId());
        json.writeFieldName(CREATED_AT);
        json.writeString(Rfc3339.formatUtcMillis(event.createdAtMillis()));
        json.writeFieldName(EXPIRES_AT);
        json.writeString(Rfc3339.formatUtcMillis(event.expiresAtMillis()));
        json.writeFieldName(AUDIENCE);
        json.writeString(AUDIENCE_NAMES[event.audience().ordinal()]);
        json.writeFieldName(MEDIA);
        json.writeStartObject();
        json.writeFieldName(MEDIA_ID);
        json.writeString(event.mediaId());
        json.writeFieldName(MEDIA_KIND);
        json.writeString(MEDIA_KIND_NAMES[event.mediaKind().ordinal()]);
        json.writeEndObject();
        if (event.caption() != null) {
            json.writeFieldName(CAPTION);
            json.writeString(event.caption());
        }
        if (event.shareTo() != null) {
            json.writeFieldName(SHARE_TO);
            json.writeStartArray();
            for (Platform target : Platform.values()) {
                if (event.shareTo().contains(target)) {
                    json.writeString(PLATFORM_NAMES[target.ordinal()]);
                }
            }
            json.writeEndArray();
        }
        json.writeEndObject();
    }
}
