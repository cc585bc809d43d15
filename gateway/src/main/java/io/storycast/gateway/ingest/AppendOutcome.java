package io.storycast.gateway.ingest;

/**
 * What became of one event sent to the stream.
 *
 * @param stored    true when the stream answered (appended or duplicate); false when the call failed
 * @param appended  true when this call appended the event, false when it was already there (a duplicate)
 * @param entryId   the stream entry id of the event (the first copy's for a duplicate), or {@code null}
 * @param partition the partition the event belongs to
 * @param failure   why the call failed, or {@code null}
 */
public record AppendOutcome(boolean stored, boolean appended, String entryId, int partition, Throwable failure) {
    static AppendOutcome stored(boolean appended, String entryId, int partition) {
        return new AppendOutcome(true, appended, entryId, partition, null);
    }

    static AppendOutcome failed(int partition, Throwable failure) {
        return new AppendOutcome(false, false, null, partition, failure);
    }
}
