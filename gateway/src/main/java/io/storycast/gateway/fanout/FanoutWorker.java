package io.storycast.gateway.fanout;

import io.storycast.gateway.audience.CrossShareStore;
import io.storycast.gateway.config.StorycastConfig;
import io.storycast.gateway.ingest.StoryEventDecoder;
import io.storycast.gateway.live.LiveFeed;
import io.storycast.gateway.media.MediaRecords;
import io.storycast.gateway.metrics.ProcessMetrics;
import io.storycast.gateway.metrics.StageRecorder;
import io.storycast.gateway.redis.RedisKeys;
import io.storycast.gateway.trays.StoryRecords;
import io.storycast.gateway.trays.TrayWriter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What one fan-out event loop shares between its partition consumers and its claimer: the story slots
 * ({@code fanout.maxStoriesInFlight}), its two {@link FanoutLane}s, the entries in flight (so the
 * claimer neither takes over an entry this worker is still working on nor lets another process take it),
 * and the acknowledgement of finished entries.
 *
 * <p>Not thread-safe: runs on its verticle's event loop.
 */
final class FanoutWorker {
    private static final Logger LOG = LoggerFactory.getLogger(FanoutWorker.class);

    private final Redis redis;
    private final RedisKeys keys;
    private final Permits storySlots;
    private final Permits storiesAwaitingMedia;
    private final StoryEventDecoder decoder;
    private final StoryFanout stories;
    private final DeadLetters deadLetters;
    private final UndeliverableEntry undeliverable;
    private final StageRecorder queueWait;
    private final Set<String> entriesInFlight = new HashSet<>();
    private Promise<Void> drained;

    /**
     * @param vertx   for the timers of stories waiting for their media
     * @param express the lane of small audiences; its connection carries every other command of the worker
     * @param bulk    the lane of audiences larger than one chunk
     * @param expressActivity told of every story this worker begins; the bulk lanes yield to it
     * @param metrics the process's stage latencies and counters
     * @param live    live delivery, told of what the fan-out writes
     */
    FanoutWorker(Vertx vertx, RedisKeys keys, StorycastConfig config, FanoutLane express, FanoutLane bulk,
                 ExpressActivity expressActivity, ProcessMetrics metrics, LiveFeed live) {
        Objects.requireNonNull(metrics, "metrics");
        this.redis = express.redis();
        this.keys = Objects.requireNonNull(keys, "keys");
        this.storySlots = new Permits(config.fanout().maxStoriesInFlight());
        this.storiesAwaitingMedia = new Permits(config.fanout().maxStoriesAwaitingMedia());
        this.decoder = new StoryEventDecoder(config.ingest(), System::currentTimeMillis);
        OutboxRoute routes = new OutboxRoute(redis, keys, config.fanout().outboxThreshold(),
                config.trays().maxStories(), config.ingest().maxStoryAgeMillis(), System::currentTimeMillis);
        MediaGate media = config.fanout().awaitMedia()
                ? new MediaGate(Objects.requireNonNull(vertx, "vertx"), MediaRecords.of(redis, keys, config),
                config.fanout().mediaWaitSeconds() * 1000L)
                : null;
        this.stories = new StoryFanout(keys, new CrossShareStore(redis, keys), routes,
                new TrayWriter(keys, config.trays().maxStories()), express, bulk, expressActivity, media, metrics, live);
        this.deadLetters = new DeadLetters(redis, keys, metrics.counters());
        this.queueWait = metrics.latencies().queueWait();
        this.undeliverable = new UndeliverableEntry(new StoryRecords(redis, keys), decoder, deadLetters);
    }

    Permits storySlots() {
        return storySlots;
    }

    /** @return true when this worker is working on the entry */
    boolean isInFlight(StreamEntry entry) {
        return entriesInFlight.contains(key(entry.partition(), entry.id()));
    }

    /** @return the ids of the entries of {@code partition} this worker is working on */
    List<String> entriesInFlight(int partition) {
        String prefix = partition + "/";
        return entriesInFlight.stream().filter(key -> key.startsWith(prefix)).map(key -> key.substring(prefix.length())).toList();
    }

    /**
     * Fans out an entry and acknowledges it when every story is finished; a failed story leaves it pending
     * for a later delivery.
     *
     * @param deliveries how often the entry has been delivered, this time included
     * @return completes once every story of the entry has a slot (the caller may read more)
     */
    Future<Void> process(StreamEntry entry, long deliveries) {
        if (deliveries == 1) {
            // A first read: a take-over's wait is the failure's or the dead consumer's, not the queue's.
            queueWait.recordSinceEpochMillis(entry.appendedAtMillis());
        }
        String key = key(entry.partition(), entry.id());
        entriesInFlight.add(key);
        EntryFanout fanout = new EntryFanout(entry, decoder, stories, deadLetters, storySlots, storiesAwaitingMedia, deliveries);
        fanout.run()
                .compose(finished -> finished ? acknowledge(entry.partition(), entry.id()) : Future.succeededFuture())
                .onFailure(failure -> LOG.warn("could not acknowledge entry {} of partition {}: {}", entry.id(),
                        entry.partition(), failure.toString()))
                .onComplete(done -> finish(key));
        return fanout.allStarted();
    }

    /** Dead-letters the unfinished stories of an entry delivered too often, then acknowledges it. */
    Future<Void> giveUp(StreamEntry entry, long deliveries) {
        String key = key(entry.partition(), entry.id());
        entriesInFlight.add(key);
        LOG.warn("entry {} of partition {} was delivered {} times; its unfinished stories go to the dead-letter stream",
                entry.id(), entry.partition(), deliveries);
        return undeliverable.deadLetter(entry, deliveries)
                .compose(done -> acknowledge(entry.partition(), entry.id()))
                .onComplete(done -> finish(key));
    }

    Future<Void> acknowledge(int partition, String entryId) {
        return redis.send(Request.cmd(Command.XACK).arg(keys.storyStream(partition)).arg(RedisKeys.FANOUT_GROUP)
                .arg(entryId)).mapEmpty();
    }

    /** @return completes when no entry is in flight any more */
    Future<Void> drain() {
        if (entriesInFlight.isEmpty()) {
            return Future.succeededFuture();
        }
        drained = Promise.promise();
        return drained.future();
    }

    private void finish(String key) {
        entriesInFlight.remove(key);
        if (drained != null && entriesInFlight.isEmpty()) {
            drained.tryComplete();
        }
    }

    private static String key(int partition, String entryId) {
        return partition + "/" + entryId;
    }
}
