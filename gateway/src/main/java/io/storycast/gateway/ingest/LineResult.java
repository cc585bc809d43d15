package io.storycast.gateway.ingest;

import io.storycast.gateway.story.FieldProblem;
import io.storycast.gateway.story.StoryEvent;

/**
 * The outcome of one event of a request (line 1 for a single-event request).
 *
 * @param line    1-based line number in the request body
 * @param status  what happened
 * @param event   the decoded event, or {@code null} when it did not decode
 * @param entryId    for {@code ACCEPTED} and {@code DUPLICATE} the stream entry holding the event, else {@code null}
 * @param entryIndex the event's position in that entry, from 0; -1 when there is no entry
 * @param problem    why it was refused, for {@code INVALID} and {@code FORBIDDEN}; else {@code null}
 */
public record LineResult(int line, Status status, StoryEvent event, String entryId, int entryIndex, FieldProblem problem) {

    public enum Status {
        /** Durable in the stream now. */
        ACCEPTED("accepted"),
        /** Already durable from an earlier request; not enqueued again. */
        DUPLICATE("duplicate"),
        /** Broke a validation rule; not stored. */
        INVALID("invalid"),
        /** The producer may not post for the event's platform; not stored. */
        FORBIDDEN("forbidden"),
        /** The stream did not answer in time; the outcome is unknown and a retry is safe. */
        UNAVAILABLE("unavailable");

        private final String wireName;

        Status(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }
}
