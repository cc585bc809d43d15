package io.storycast.gateway.ingest;

import io.storycast.gateway.story.FieldProblem;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.storycast.gateway.config.IngestConfig;
import io.storycast.gateway.story.Ids;
import io.storycast.gateway.story.Platform;

import java.io.IOException;
import java.util.EnumSet;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Decodes and validates one story event from JSON bytes, with a streaming parser (no tree, no reflection).
 * Every rule is checked here; the first broken rule is reported as an {@link FieldProblem} naming the
 * field. Thread-safe: it holds only immutable configuration.
 *
 * <p>The rules (also in docs/EVENTS.md): {@code platform}, {@code storyId}, {@code authorId},
 * {@code createdAt}, {@code audience} and {@code media} are required; ids are 1 to 128 of
 * {@code A-Z a-z 0-9 . _ : -}; times are RFC 3339 with an offset; {@code createdAt} may be at most
 * {@code maxClockSkewSeconds} ahead of now; {@code expiresAt} defaults to {@code createdAt} plus the
 * maximum lifetime, must follow {@code createdAt} by at most that lifetime, and must lie in the future;
 * the caption is at most {@code maxCaptionLength} code points; {@code shareTo} lists distinct platforms
 * other than the source, and a {@code close_friends} story may not be shared at all; unknown fields and
 * repeated fields are refused.
 */
public final class StoryEventDecoder {
    static final int MAX_ID_LENGTH = Ids.MAX_ID_LENGTH;
    static final int MAX_MEDIA_ID_LENGTH = 256;

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(8).maxStringLength(1 << 20).build())
            .build();

    private final IngestConfig limits;
    private final LongSupplier clockMillis;

    /**
     * @param limits      caption, lifetime and clock-skew limits
     * @param clockMillis the current time in epoch milliseconds (tests pass a fixed clock)
     */
    public StoryEventDecoder(IngestConfig limits, LongSupplier clockMillis) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.clockMillis = Objects.requireNonNull(clockMillis, "clockMillis");
    }

    /**
     * @param json   the buffer holding the event
     * @param offset where the event's JSON starts
     * @param length its length in bytes
     * @return the event, or the first problem found
     */
    public DecodeResult decode(byte[] json, int offset, int length) {
        try (JsonParser parser = JSON.createParser(json, offset, length)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return DecodeResult.invalid(new FieldProblem("body", "type", "a story event must be a JSON object"));
            }
            EventFields fields = new EventFields();
            FieldProblem problem = readTopLevel(parser, fields);
            if (problem == null && parser.nextToken() != null) {
                problem = new FieldProblem("body", "json", "unexpected content after the event object");
            }
            return problem != null ? DecodeResult.invalid(problem) : fields.toEvent(limits, clockMillis.getAsLong());
        } catch (JsonParseException e) {
            return DecodeResult.invalid(new FieldProblem("body", "json",
                    "malformed JSON at column " + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage()));
        } catch (IOException e) {
            return DecodeResult.invalid(new FieldProblem("body", "json", "unreadable JSON: " + e.getMessage()));
        }
    }

    /** @return the first problem, or {@code null} when every present field is well-typed */
    private static FieldProblem readTopLevel(JsonParser parser, EventFields fields) throws IOException {
        for (JsonToken token = parser.nextToken(); token != JsonToken.END_OBJECT; token = parser.nextToken()) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            FieldProblem problem = switch (name) {
                case "platform", "createdAt", "audience" -> readText(parser, value, name, false, fields);
                case "expiresAt", "caption" -> readText(parser, value, name, true, fields);
                case "storyId", "authorId" -> readId(parser, value, name, MAX_ID_LENGTH, fields);
                case "media" -> readMedia(parser, value, fields);
                case "shareTo" -> readShareTo(parser, value, fields);
                default -> new FieldProblem(name, "unknown", name + " is not a story event field");
            };
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    private static FieldProblem readMedia(JsonParser parser, JsonToken value, EventFields fields) throws IOException {
        if (value != JsonToken.START_OBJECT) {
            return FieldProblem.type("media", "an object with id and kind");
        }
        FieldProblem problem = fields.markSeen("media");
        if (problem != null) {
            return problem;
        }
        for (JsonToken token = parser.nextToken(); token != JsonToken.END_OBJECT; token = parser.nextToken()) {
            String name = "media." + parser.currentName();
            JsonToken fieldValue = parser.nextToken();
            problem = switch (name) {
                case "media.id" -> readId(parser, fieldValue, name, MAX_MEDIA_ID_LENGTH, fields);
                case "media.kind" -> readText(parser, fieldValue, name, false, fields);
                default -> new FieldProblem(name, "unknown", name + " is not a media field");
            };
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    private static FieldProblem readShareTo(JsonParser parser, JsonToken value, EventFields fields) throws IOException {
        FieldProblem problem = fields.markSeen("shareTo");
        if (problem != null || value == JsonToken.VALUE_NULL) {
            return problem;
        }
        if (value != JsonToken.START_ARRAY) {
            return FieldProblem.type("shareTo", "a list of platforms");
        }
        EnumSet<Platform> targets = EnumSet.noneOf(Platform.class);
        int index = 0;
        for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken(), index++) {
            String field = "shareTo[" + index + "]";
            if (token != JsonToken.VALUE_STRING) {
                return FieldProblem.type(field, "a platform name (string)");
            }
            Platform target = Platform.fromWireName(parser.getText());
            if (target == null) {
                return new FieldProblem(field, "enum", field + " '" + parser.getText() + "' is not one of " + Platform.wireNames());
            }
            if (!targets.add(target)) {
                return new FieldProblem(field, "unique", field + " names " + target.wireName() + " twice");
            }
        }
        fields.shareTo = targets;
        return null;
    }

    private static FieldProblem readText(JsonParser parser, JsonToken value, String field, boolean optional,
                                         EventFields fields) throws IOException {
        FieldProblem problem = fields.markSeen(field);
        if (problem != null) {
            return problem;
        }
        if (value == JsonToken.VALUE_NULL && optional) {
            return null;
        }
        if (value != JsonToken.VALUE_STRING) {
            return FieldProblem.type(field, "a string");
        }
        fields.setText(field, parser.getText());
        return null;
    }

    private static FieldProblem readId(JsonParser parser, JsonToken value, String field, int maxLength,
                                       EventFields fields) throws IOException {
        FieldProblem problem = readText(parser, value, field, false, fields);
        if (problem != null) {
            return problem;
        }
        String text = parser.getText();
        String rule = Ids.brokenRule(text, maxLength);
        if (rule != null) {
            return new FieldProblem(field, rule, Ids.explain(field, text, maxLength, rule));
        }
        return null;
    }
}
