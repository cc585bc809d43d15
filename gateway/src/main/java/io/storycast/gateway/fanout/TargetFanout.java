package io.storycast.gateway.fanout;

import io.storycast.gateway.metrics.StageRecorder;
import io.storycast.gateway.redis.RedisKeys;
import io.storycast.gateway.story.Audience;
import io.storycast.gateway.story.Platform;
import io.storycast.gateway.story.StoryEvent;
import io.storycast.gateway.trays.StoryRecord;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The fan-out of one story to one platform: reads the audience chunk by chunk and writes each chunk in one
 * pipelined batch ({@link ChunkWrites}: the story into the trays, or the trays' links to the audience's
 * outbox). Up to {@code chunksInFlight} batches await Redis while the next chunk is read, so Redis is not
 * idle while the gateway builds a batch; the lane's {@link LanePacer} decides when each goes (on the bulk lane,
 * one at a time with pauses while small stories are under way). A story routed to an outbox whose audience
 * is already linked scans nothing: its one write was the route's.
 *
 * <p>Progress ({@link TargetProgress}: route, cursor, writes so far, state) is stored only for chunks whose
 * every write succeeded: it rides in the next batch, and the last chunk's in a final one. So a redelivered
 * story resumes after the last chunk known to be written, and a write that fails (a full Redis, a tray
 * key of the wrong type) fails again on every delivery until the story is dead-lettered, instead of
 * being skipped. Every batch also re-arms the story hash's expiry (a progress write must not revive an
 * expired story as a hash without expiry) and asks whether the story was retracted meanwhile, which
 * stops the fan-out.
 *
 * <p>Not thread-safe: runs on its worker's event loop.
 */
final class TargetFanout {
    private final FanoutLane lane;
    private final Redis failureRecords;
    private final StoryEvent story;
    private final String storyKey;
    private final Plan plan;
    private final Promise<Boolean> finished = Promise.promise();
    private final StageRecorder trayWrites;

    /** Where the next chunk starts and how many writes the chunks read so far hold. */
    private String readCursor;
    private long readWritten;
    /** The same for the chunks known to be written, and whether that is newer than what Redis holds. */
    private String writtenCursor;
    private long writtenCount;
    private boolean progressUnsaved;
    private int chunkNumber;
    private boolean exhausted;
    private boolean reading;
    /** Chunk batches built and not yet answered or dropped; -1 once the final batch is sent. */
    private int writesInFlight;
    /** A failure to record once the batches in flight are settled; null when there is none. */
    private Throwable unrecordedFailure;

    /**
     * What to fan out to one platform.
     *
     * @param target        the platform
     * @param list          the audience list there (the story's own on its source platform, else default)
     * @param route         push or outbox, recorded with the progress
     * @param writes        what each chunk writes
     * @param scansAudience false when nothing is left to write but the progress
     */
    record Plan(Platform target, Audience list, TargetProgress.Route route, ChunkWrites writes, boolean scansAudience) {
        Plan {
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(list, "list");
            Objects.requireNonNull(route, "route");
            Objects.requireNonNull(writes, "writes");
        }
    }

    /**
     * @param failureRecords the connection a failure's reason is recorded over: the express lane's, which is up
     *                       when the bulk lane's connection is what failed
     * @param progress       where an earlier delivery got to
     * @param trayWrites     where each chunk's tray writes are timed (pushed chunks; an outbox's links are not tray
     *                       writes)
     */
    TargetFanout(FanoutLane lane, Redis failureRecords, RedisKeys keys, StoryEvent story, Plan plan,
                 TargetProgress progress, StageRecorder trayWrites) {
        this.lane = Objects.requireNonNull(lane, "lane");
        this.failureRecords = Objects.requireNonNull(failureRecords, "failureRecords");
        this.story = Objects.requireNonNull(story, "story");
        this.plan = Objects.requireNonNull(plan, "plan");
        this.storyKey = keys.story(story.platform(), story.storyId());
        this.readCursor = progress.cursor();
        this.readWritten = progress.written();
        this.writtenCursor = progress.cursor();
        this.writtenCount = progress.written();
        this.exhausted = !plan.scansAudience();
        this.trayWrites = Objects.requireNonNull(trayWrites, "trayWrites");
    }

    /** @return true once every chunk is written, false when the story was retracted part-way */
    Future<Boolean> run() {
        pump();
        return finished.future();
    }

    private void pump() {
        if (finished.future().isComplete()) {
            return;
        }
        if (exhausted) {
            if (writesInFlight == 0) {
                writesInFlight = -1; // the final batch, sent once
                List<Request> batch = new ArrayList<>(4);
                plan.writes().addCompletion(batch);
                addProgress(batch, TargetProgress.State.DONE);
                send(batch, null, 0, List.of(), true);
            }
            return;
        }
        if (reading || writesInFlight >= lane.chunksInFlight()) {
            return;
        }
        reading = true;
        lane.chunks().next(plan.target(), story.authorId(), plan.list(), readCursor, lane.chunkSize(),
                plan.writes().skipsMutedSubscribers()).onComplete(read -> {
            reading = false;
            if (read.failed()) {
                fail(read.cause());
                return;
            }
            if (finished.future().isComplete()) {
                return; // failed or retracted while the chunk was read (the read has a connection of its own)
            }
            write(read.result());
            pump();
        });
    }

    private void write(AudienceChunks.Chunk chunk) {
        exhausted = chunk.scanned() < lane.chunkSize();
        if (chunk.last() != null) {
            readCursor = chunk.last();
        }
        readWritten += chunk.subscribers().size();
        List<Request> batch = new ArrayList<>(plan.writes().commandsFor(chunk.subscribers().size()) + 3);
        plan.writes().addWrites(batch, chunk.subscribers(), chunkNumber++);
        if (progressUnsaved) {
            addProgress(batch, TargetProgress.State.IN_PROGRESS);
        }
        writesInFlight++;
        String cursorAfter = readCursor;
        long writtenAfter = readWritten;
        int commands = batch.size() + 2;
        List<String> subscribers = chunk.subscribers();
        // Both queues run their actions in arrival order, so chunks go in chunk order: a later chunk sent before
        // an earlier one would store a cursor past a chunk not yet written.
        lane.pendingCommands().whenAvailable(commands, () -> lane.pacer().whenMaySend(() -> {
            if (finished.future().isComplete()) {
                // Failed or retracted while this batch waited: its progress write must not land after the failure's.
                lane.pendingCommands().release(commands);
                lane.pacer().answered(0);
                batchSettled();
                return;
            }
            send(batch, cursorAfter, writtenAfter, subscribers, false);
        }));
    }

    private void addProgress(List<Request> batch, TargetProgress.State state) {
        Platform target = plan.target();
        Request progress = Request.cmd(Command.HSET).arg(storyKey)
                .arg(TargetProgress.stateField(target)).arg(state.wireName())
                .arg(TargetProgress.routeField(target)).arg(plan.route().wireName())
                .arg(TargetProgress.writtenField(target)).arg(writtenCount);
        if (writtenCursor != null) {
            progress.arg(TargetProgress.cursorField(target)).arg(writtenCursor);
        }
        if (state == TargetProgress.State.DONE) {
            // Every write before this batch was confirmed by now: the end of the fan-out's latency.
            progress.arg(TargetProgress.finishedAtField(target)).arg(System.currentTimeMillis());
        }
        batch.add(progress);
        progressUnsaved = false;
    }

    /**
     * Sends a batch, with the story hash's expiry and the retraction check at its end.
     *
     * @param cursorAfter  where the audience stands once this batch's chunk is written
     * @param writtenAfter the writes done by then
     * @param subscribers  whom the chunk was written for
     * @param last         whether this is the final batch (its permits were not taken)
     */
    private void send(List<Request> batch, String cursorAfter, long writtenAfter, List<String> subscribers, boolean last) {
        batch.add(Request.cmd(Command.PEXPIREAT).arg(storyKey).arg(story.expiresAtMillis()));
        batch.add(Request.cmd(Command.HEXISTS).arg(storyKey).arg(StoryRecord.RETRACTED));
        int commands = batch.size();
        boolean timed = !last && plan.route() == TargetProgress.Route.PUSH;
        long sentNanos = System.nanoTime();
        lane.redis().batch(batch).onComplete(sent -> {
            if (timed && sent.succeeded()) {
                trayWrites.recordSinceNanos(sentNanos);
            }
            if (last) {
                if (sent.failed()) {
                    fail(sent.cause());
                } else {
                    finished.tryComplete(!retracted(sent.result()));
                }
                return;
            }
            lane.pacer().answered(System.nanoTime() - sentNanos);
            lane.pendingCommands().release(commands);
            batchSettled();
            if (sent.failed()) {
                fail(sent.cause());
                return;
            }
            if (retracted(sent.result())) {
                finished.tryComplete(false);
                return;
            }
            // Confirmed and not retracted: live delivery hears of it (and returns at once; it never holds this back).
            plan.writes().written(subscribers);
            // Batches of one connection complete in the order sent, so this is the newest written chunk.
            writtenCursor = cursorAfter == null ? writtenCursor : cursorAfter;
            writtenCount = writtenAfter;
            progressUnsaved = true;
            pump();
        });
    }

    /** A chunk batch was answered, or dropped unsent; a failure waiting for the batches in flight is recorded after the last. */
    private void batchSettled() {
        writesInFlight--;
        recordFailureOnceSettled();
    }

    /**
     * Fails the fan-out, recording the reason as the target's state (best effort: Redis may be what
     * failed). It shows in the story's state and, if it comes to that, in its dead letter.
     */
    private void fail(Throwable failure) {
        if (finished.tryFail(failure)) {
            unrecordedFailure = failure;
            recordFailureOnceSettled();
        }
    }

    /**
     * Records the failure once no chunk batch of this target is in flight or waiting: each carries an
     * {@code in_progress} progress write, which must not land after the {@code failed} state. The record goes over
     * the express connection, which is up when the bulk lane's connection is what failed.
     */
    private void recordFailureOnceSettled() {
        if (unrecordedFailure == null || writesInFlight > 0) {
            return;
        }
        Throwable failure = unrecordedFailure;
        unrecordedFailure = null;
        failureRecords.batch(List.of(
                Request.cmd(Command.HSET).arg(storyKey)
                        .arg(TargetProgress.stateField(plan.target())).arg(TargetProgress.State.FAILED.wireName())
                        .arg(TargetProgress.reasonField(plan.target())).arg(String.valueOf(failure.getMessage())),
                Request.cmd(Command.PEXPIREAT).arg(storyKey).arg(story.expiresAtMillis())));
    }

    private static boolean retracted(List<Response> replies) {
        return replies.get(replies.size() - 1).toInteger() == 1;
    }
}
