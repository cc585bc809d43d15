package io.storycast.gateway.fanout;

import io.storycast.gateway.ingest.DecodeResult;
import io.storycast.gateway.ingest.StoryEventDecoder;
import io.storycast.gateway.story.Platform;
import io.storycast.gateway.story.StoryEvent;
import io.storycast.gateway.trays.StoryRecord;
import io.storycast.gateway.trays.StoryRecords;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Gives up on an entry delivered more than {@code fanout.maxDeliveries} times: each of its stories that is
 * not finished goes to the dead-letter stream with the reason its last attempt recorded per platform.
 * Finished, retracted and expired stories are left out.
 */
final class UndeliverableEntry {
    private final StoryRecords records;
    private final StoryEventDecoder decoder;
    private final DeadLetters deadLetters;

    UndeliverableEntry(StoryRecords records, StoryEventDecoder decoder, DeadLetters deadLetters) {
        this.records = Objects.requireNonNull(records, "records");
        this.decoder = Objects.requireNonNull(decoder, "decoder");
        this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
    }

    /** @return succeeds once every unfinished story of the entry is a dead letter */
    Future<Void> deadLetter(StreamEntry entry, long deliveries) {
        int[] bounds = entry.lineBounds();
        List<Future<Void>> lines = new ArrayList<>(bounds.length / 2);
        for (int line = 0; line < bounds.length / 2; line++) {
            int offset = bounds[2 * line];
            int length = bounds[2 * line + 1];
            DecodeResult decoded = decoder.decode(entry.events(), offset, length);
            if (decoded.isValid()) {
                int at = line;
                lines.add(unfinishedReason(decoded.event(), deliveries).compose(reason -> reason == null
                        ? Future.succeededFuture()
                        : deadLetters.add(entry, at, offset, length, reason, deliveries)));
            } else if (!decoded.problem().rule().equals("expired")) {
                lines.add(deadLetters.add(entry, line, offset, length, "undecodable: " + decoded.problem().field()
                        + " " + decoded.problem().rule() + ": " + decoded.problem().detail(), deliveries));
            }
        }
        return Future.all(lines).mapEmpty();
    }

    /** @return why the story is unfinished, or {@code null} when it is finished or retracted */
    private Future<String> unfinishedReason(StoryEvent story, long deliveries) {
        return records.read(story.platform(), story.storyId())
                .map(hash -> {
                    if (hash.containsKey(StoryRecord.RETRACTED)) {
                        return null;
                    }
                    if (!hash.containsKey(StoryRecord.TARGETS)) {
                        return "gave up after " + deliveries + " deliveries; the fan-out never began";
                    }
                    StringBuilder reason = new StringBuilder();
                    for (Platform target : StoryRecord.parseTargets(hash.get(StoryRecord.TARGETS))) {
                        TargetProgress progress = TargetProgress.of(hash, target);
                        if (!progress.isDone()) {
                            reason.append("; ").append(target.wireName()).append(": ").append(progress.reason() == null
                                    ? "unfinished (a worker stopped during it)" : progress.reason());
                        }
                    }
                    return reason.length() == 0 ? null : "gave up after " + deliveries + " deliveries" + reason;
                });
    }
}
