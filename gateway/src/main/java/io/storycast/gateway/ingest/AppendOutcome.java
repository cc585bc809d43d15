package io.storycast.gateway.ingest;

/**
 * What became of one event sent to the stream.
 *
 * @param stored    true when the stream answered (appended or duplicate); false when the call failed
 * @param appended  true when this call appended the event, false when it was already there (a duplicate)
 * @param entryId    the stream entry holding the event (the first copy's for a duplicate), or {@code null}
 * @param entryIndex the event's position among the events of that entry, from 0; -1 when not stored
 * @param partition  the partition the event belongs to
 * @param failure    why the call failed, or {@code null}
 */
public record AppendOutcome(boolean stored, boolean appended, String entryId, int entryIndex, int partition,
                            Throwable failure) {
    static AppendOutcome stored(boolean appended, String entryId, int entryIndex, int partition) {
        return new AppendOutcome(true, appended, entryId, entryIndex, partition, null);
    }

    static AppendOutcome failed(int partition, Throwable failure) {
        return new AppendOutcome(false, false, null, -1, partition, failure);
    }
}
