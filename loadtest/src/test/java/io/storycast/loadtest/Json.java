package io.storycast.loadtest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SequenceWriter;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * The request bodies of the simulations, written by Jackson: JSON documents, and NDJSON (one compact JSON value
 * per line, each line ending in a newline) for story batches and the bulk audience API. Nothing here writes JSON
 * by hand.
 */
final class Json {
    /** The one mapper of the simulations: thread-safe once configured, as Jackson documents. */
    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final ObjectWriter LINES = MAPPER.writer().withRootValueSeparator("\n");

    private Json() {
    }

    /** @return {@code value} as compact JSON */
    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** @return every value as a line of compact JSON, each line ending in a newline; empty for no values */
    static String ndjson(Iterable<?> values) {
        StringWriter out = new StringWriter();
        boolean any = false;
        try (SequenceWriter lines = LINES.writeValues(out)) {
            for (Object value : values) {
                lines.write(value);
                any = true;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write NDJSON", e);
        }
        return any ? out.append('\n').toString() : "";
    }
}
