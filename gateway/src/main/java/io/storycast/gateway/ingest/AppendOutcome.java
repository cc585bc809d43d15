package io.storycast.gateway.ingest;

/**
 * What became of one event sent to the stream.
 *
 * @param stored     true when the stream answered (appended or duplicate); false when the call failed and
 *                   the outcome is unknown
 * @param appended   true when this call appended the event, false when it was already there (a duplicate)
 * @param entryId    the stream entry holding the event (the first copy's for a duplicate), or {@code null}
 * @param entryIndex the event's position among the events of that entry, from 0; -1 when not stored
 */
public record AppendOutcome(boolean stored, boolean appended, String entryId, int entryIndex) {
    /** The outcome of every event of a call that failed or timed out. */
    static final AppendOutcome FAILED = new AppendOutcome(false, false, null, -1);

    static AppendOutcome stored(boolean appended, String entryId, int entryIndex) {
        return new AppendOutcome(true, appended, entryId, entryIndex);
    }
}
