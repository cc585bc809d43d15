package io.storycast.gateway.live;

import io.storycast.gateway.metrics.LiveCounters;
import io.storycast.gateway.metrics.StageRecorder;
import io.storycast.gateway.redis.RedisKeys;
import io.storycast.gateway.story.Audience;
import io.storycast.gateway.story.Platform;
import io.storycast.gateway.story.StoryEvent;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Publishes what the fan-out wrote, for the live connections of every gateway process. Per written chunk: one
 * lookup in the live registry ({@link LiveRegistry#lookup}: a probe of the registered subscribers per registry shard
 * among the chunk's, then a read of who holds those found), then one {@code PUBLISH} per process that holds
 * connections of some of them, on that process's channel, naming those subscribers. A chunk with no subscriber
 * connected anywhere costs the probe and nothing else; offline subscribers cost nothing beyond it.
 *
 * <p>The lookup runs after the chunk's tray writes are confirmed, on this publisher's own connection. So a
 * connection that registers while the chunk is being written is either found by the lookup or, having registered
 * before it, finds the story in its tray when it resumes ({@code Last-Event-ID}) — on a Redis Cluster too, where the
 * tray and the registry key live on different nodes and one batch would not order them.
 *
 * <p>Never waits and never blocks the fan-out: each call returns at once. At most {@code maxPendingLookups}
 * lookups are in flight; past that, and whenever Redis fails a lookup or a publish, the push is dropped and counted
 * ({@code storycast_live_publish_failures_total}): the tray holds the story, and a resumed connection gets it.
 *
 * <p>Not thread-safe: confined to its event loop (a fan-out worker's, or an HTTP event loop's for retractions).
 */
public final class LivePublisher implements LiveFeed {
    private final Redis redis;
    private final RedisKeys keys;
    private final LiveCounters counters;
    private final int maxPendingLookups;
    private final LongSupplier clockMillis;
    private int pendingLookups;

    /**
     * @param redis             the publisher's connection (a fan-out worker's own; an HTTP event loop's for
     *                          retractions, which publish one message each)
     * @param maxPendingLookups lookups in flight at once, at least 1 ({@code live.maxPendingLookups})
     */
    public LivePublisher(Redis redis, RedisKeys keys, LiveCounters counters, int maxPendingLookups, LongSupplier clockMillis) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.counters = Objects.requireNonNull(counters, "counters");
        if (maxPendingLookups < 1) {
            throw new IllegalArgumentException("maxPendingLookups must be at least 1, was " + maxPendingLookups);
        }
        this.maxPendingLookups = maxPendingLookups;
        this.clockMillis = Objects.requireNonNull(clockMillis, "clockMillis");
    }

    @Override
    public void pushed(StoryEvent story, long acceptedAtMillis, Platform target, List<String> subscribers) {
        if (subscribers.isEmpty()) {
            return;
        }
        if (pendingLookups >= maxPendingLookups) {
            counters.publishFailed("busy", subscribers.size());
            return;
        }
        pendingLookups++;
        LiveRegistry.lookup(redis, keys, target, subscribers, clockMillis.getAsLong())
                .onComplete(looked -> {
                    pendingLookups--;
                    if (looked.failed()) {
                        counters.publishFailed("redis", subscribers.size());
                    } else if (!looked.result().isEmpty()) {
                        publish(LiveMessages.story(LiveMessages.STORY, story, acceptedAtMillis, target), looked.result());
                    }
                });
    }

    private void publish(JsonObject story, Map<String, List<String>> byInstance) {
        long publishedAtMicros = StageRecorder.epochMicros();
        byInstance.forEach((instance, subscribers) -> send(keys.liveInstanceChannel(instance),
                LiveMessages.targeted(story, subscribers, publishedAtMicros), LiveMessages.STORY, subscribers.size()));
    }

    @Override
    public void routedToOutbox(StoryEvent story, long acceptedAtMillis, Platform target, Audience list) {
        send(keys.liveBroadcastChannel(), LiveMessages.outbox(LiveMessages.story(LiveMessages.OUTBOX, story,
                acceptedAtMillis, target), story.authorId(), list, StageRecorder.epochMicros()), LiveMessages.OUTBOX, 1);
    }

    @Override
    public void retracted(Platform source, String storyId) {
        send(keys.liveBroadcastChannel(), LiveMessages.retract(source, storyId), LiveMessages.RETRACT, 1);
    }

    /** @param pushes what a failure loses, counted */
    private void send(String channel, Buffer message, String kind, int pushes) {
        Future<?> sent = redis.send(Request.cmd(Command.PUBLISH).arg(channel).arg(message));
        sent.onComplete(done -> {
            if (done.succeeded()) {
                counters.published(kind);
            } else {
                counters.publishFailed("redis", pushes);
            }
        });
    }
}
