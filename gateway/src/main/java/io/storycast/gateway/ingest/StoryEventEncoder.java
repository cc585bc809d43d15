package io.storycast.gateway.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.storycast.gateway.story.Platform;
import io.storycast.gateway.story.StoryEvent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;

/**
 * Writes a validated event as the canonical JSON stored in the stream: the input schema with
 * {@code expiresAt} always present and times in UTC. Consumers of the stream read this one shape.
 * Thread-safe.
 */
public final class StoryEventEncoder {
    private static final JsonFactory JSON = new JsonFactory();

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
        json.writeStringField("platform", event.platform().wireName());
        json.writeStringField("storyId", event.storyId());
        json.writeStringField("authorId", event.authorId());
        json.writeStringField("createdAt", Instant.ofEpochMilli(event.createdAtMillis()).toString());
        json.writeStringField("expiresAt", Instant.ofEpochMilli(event.expiresAtMillis()).toString());
        json.writeStringField("audience", event.audience().wireName());
        json.writeObjectFieldStart("media");
        json.writeStringField("id", event.mediaId());
        json.writeStringField("kind", event.mediaKind().wireName());
        json.writeEndObject();
        if (event.caption() != null) {
            json.writeStringField("caption", event.caption());
        }
        if (event.shareTo() != null) {
            json.writeArrayFieldStart("shareTo");
            for (Platform target : Platform.values()) {
                if (event.shareTo().contains(target)) {
                    json.writeString(target.wireName());
                }
            }
            json.writeEndArray();
        }
        json.writeEndObject();
    }
}
