package io.storycast.gateway.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.storycast.gateway.ingest.JsonNames;
import io.storycast.gateway.ingest.LineResult;
import io.storycast.gateway.story.Platform;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The answer to an NDJSON batch: counts and one result per line, written with a streaming generator (a
 * batch of a thousand lines would otherwise build a thousand maps only to serialise them).
 *
 * <pre>{"accepted":2,"duplicates":0,"rejected":1,"results":[{"line":1,"status":"accepted",...},...]}</pre>
 */
final class BatchReport {
    private static final JsonFactory JSON = new JsonFactory();
    // The members every line has, encoded once (a batch of a thousand lines writes each a thousand times).
    private static final SerializedString LINE = new SerializedString("line");
    private static final SerializedString STATUS = new SerializedString("status");
    private static final SerializedString PLATFORM = new SerializedString("platform");
    private static final SerializedString STORY_ID = new SerializedString("storyId");
    private static final SerializedString ENTRY_ID = new SerializedString("entryId");
    private static final SerializedString ENTRY_INDEX = new SerializedString("entryIndex");
    private static final SerializedString[] STATUS_NAMES = JsonNames.of(LineResult.Status.values(), LineResult.Status::wireName);
    private static final SerializedString[] PLATFORM_NAMES = JsonNames.of(Platform.values(), Platform::wireName);

    private BatchReport() {
    }

    /**
     * @param results one result per line, in line order
     * @param problem problem members to write first (for a 503 that still reports every line), or {@code null}
     * @return the UTF-8 JSON body
     */
    static Buffer write(List<LineResult> results, JsonObject problem) {
        int accepted = 0;
        int duplicates = 0;
        int rejected = 0;
        int unavailable = 0;
        for (LineResult result : results) {
            switch (result.status()) {
                case ACCEPTED -> accepted++;
                case DUPLICATE -> duplicates++;
                case INVALID, FORBIDDEN -> rejected++;
                case UNAVAILABLE -> unavailable++;
            }
        }
        try (ByteArrayBuilder bytes = new ByteArrayBuilder(64 + 128 * results.size());
             JsonGenerator json = JSON.createGenerator(bytes)) {
            json.writeStartObject();
            if (problem != null) {
                for (Map.Entry<String, Object> member : problem) {
                    if (member.getValue() instanceof Number number) {
                        json.writeNumberField(member.getKey(), number.longValue());
                    } else {
                        json.writeStringField(member.getKey(), String.valueOf(member.getValue()));
                    }
                }
            }
            json.writeNumberField("accepted", accepted);
            json.writeNumberField("duplicates", duplicates);
            json.writeNumberField("rejected", rejected);
            if (unavailable > 0) {
                json.writeNumberField("unavailable", unavailable);
            }
            json.writeArrayFieldStart("results");
            for (LineResult result : results) {
                writeLine(json, result);
            }
            json.writeEndArray();
            json.writeEndObject();
            json.flush();
            return Buffer.buffer(bytes.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to memory cannot fail", e);
        }
    }

    /** @return one line's result alone, as the body of a single-event answer */
    static Buffer writeSingle(LineResult result) {
        try (ByteArrayBuilder bytes = new ByteArrayBuilder(160);
             JsonGenerator json = JSON.createGenerator(bytes)) {
            writeLine(json, result);
            json.flush();
            return Buffer.buffer(bytes.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to memory cannot fail", e);
        }
    }

    private static void writeLine(JsonGenerator json, LineResult result) throws IOException {
        json.writeStartObject();
        json.writeFieldName(LINE);
        json.writeNumber(result.line());
        json.writeFieldName(STATUS);
        json.writeString(STATUS_NAMES[result.status().ordinal()]);
        if (result.event() != null) {
            json.writeFieldName(PLATFORM);
            json.writeString(PLATFORM_NAMES[result.event().platform().ordinal()]);
            json.writeFieldName(STORY_ID);
            json.writeString(result.event().storyId());
        }
        if (result.entryId() != null) {
            json.writeFieldName(ENTRY_ID);
            json.writeString(result.entryId());
            json.writeFieldName(ENTRY_INDEX);
            json.writeNumber(result.entryIndex());
        }
        if (result.problem() != null && result.status() != LineResult.Status.UNAVAILABLE) {
            json.writeObjectFieldStart("problem");
            json.writeStringField("field", result.problem().field());
            json.writeStringField("rule", result.problem().rule());
            json.writeStringField("detail", result.problem().detail());
            json.writeEndObject();
        }
        json.writeEndObject();
    }
}
