package io.storycast.gateway.fanout;

import io.storycast.gateway.ingest.DecodeResult;
import io.storycast.gateway.ingest.StoryEventDecoder;
import io.storycast.gateway.story.FieldProblem;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;

/**
 * The fan-out of one stream entry: each of its events is decoded and fanned out as its own story, as
 * story slots free up. An event that no longer decodes (written by a newer or broken producer path)
 * goes to the dead-letter stream at once, since another delivery would fail the same way; one that has
 * expired meanwhile is skipped. The entry is finished when every story is: then it may be acknowledged,
 * unless one failed, in which case it stays pending and is delivered again later, resuming each story
 * from its progress.
 *
 * <p>Not thread-safe: runs on its worker's event loop.
 */
final class EntryFanout {
    private static final Logger LOG = LoggerFactory.getLogger(EntryFanout.class);

    private final StreamEntry entry;
    private final StoryEventDecoder decoder;
    private final StoryFanout stories;
    private final DeadLetters deadLetters;
    private final Permits storySlots;
    private final Permits storiesAwaitingMedia;
    private final long deliveries;
    private final int[] bounds;
    private final Promise<Void> started = Promise.promise();
    private final Promise<Boolean> finished = Promise.promise();

    private int nextLine;
    private int unfinished;
    private boolean anyFailed;

    /** @param deliveries how often the entry has been delivered, this time included */
    EntryFanout(StreamEntry entry, StoryEventDecoder decoder, StoryFanout stories, DeadLetters deadLetters,
                Permits storySlots, Permits storiesAwaitingMedia, long deliveries) {
        this.entry = Objects.requireNonNull(entry, "entry");
        this.decoder = Objects.requireNonNull(decoder, "decoder");
        this.stories = Objects.requireNonNull(stories, "stories");
        this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
        this.storySlots = Objects.requireNonNull(storySlots, "storySlots");
        this.storiesAwaitingMedia = Objects.requireNonNull(storiesAwaitingMedia, "storiesAwaitingMedia");
        this.deliveries = deliveries;
        this.bounds = entry.lineBounds();
        this.unfinished = bounds.length / 2;
    }

    /** @return true once every story is finished (acknowledge the entry), false when one failed */
    Future<Boolean> run() {
        startMore();
        return finished.future();
    }

    /** @return completes once every story has a slot: the worker may read more entries */
    Future<Void> allStarted() {
        return started.future();
    }

    private void startMore() {
        while (nextLine < bounds.length / 2) {
            if (!storySlots.tryAcquire(1)) {
                storySlots.whenAvailable(1, () -> {
                    start(nextLine++);
                    startMore();
                });
                return;
            }
            start(nextLine++);
        }
        started.tryComplete();
    }

    private void start(int line) {
        int offset = bounds[2 * line];
        int length = bounds[2 * line + 1];
        DecodeResult decoded = decoder.decode(entry.events(), offset, length);
        StorySlot slot = new StorySlot(storySlots, storiesAwaitingMedia);
        Future<Void> story;
        if (decoded.isValid()) {
            story = stories.run(decoded.event(), entry.eventAddress(line), slot);
        } else if (decoded.problem().rule().equals("expired")) {
            story = Future.succeededFuture(); // nothing left to show
        } else {
            FieldProblem problem = decoded.problem();
            LOG.warn("event {} of partition {} does not decode ({}: {}); it goes to the dead-letter stream",
                    entry.eventAddress(line), entry.partition(), problem.field(), problem.detail());
            story = deadLetters.add(entry, line, offset, length,
                    "undecodable: " + problem.field() + " " + problem.rule() + ": " + problem.detail(), deliveries);
        }
        story.onComplete(outcome -> {
            slot.release();
            if (outcome.failed()) {
                anyFailed = true;
                LOG.debug("story {} failed: {}", entry.eventAddress(line), outcome.cause().toString());
            }
            if (--unfinished == 0) {
                finished.complete(!anyFailed);
            }
        });
    }
}
