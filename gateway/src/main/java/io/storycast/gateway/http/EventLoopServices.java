package io.storycast.gateway.http;

import io.storycast.gateway.audience.AudienceStore;
import io.storycast.gateway.audience.CrossShareStore;
import io.storycast.gateway.config.StorycastConfig;
import io.storycast.gateway.fanout.DeadLetters;
import io.storycast.gateway.live.LiveFeed;
import io.storycast.gateway.live.LivePublisher;
import io.storycast.gateway.media.MediaRecords;
import io.storycast.gateway.metrics.ProcessMetrics;
import io.storycast.gateway.ingest.StoryEventDecoder;
import io.storycast.gateway.ingest.StoryIngestor;
import io.storycast.gateway.ingest.StoryStreamAppender;
import io.storycast.gateway.redis.PipelinedRedis;
import io.storycast.gateway.redis.RedisKeys;
import io.storycast.gateway.redis.StoryStreams;
import io.storycast.gateway.trays.StoryRecords;
import io.storycast.gateway.trays.TrayReader;
import io.vertx.core.Context;

/**
 * The use cases and stores the routes of one HTTP event loop call, all on that event loop's own pipelined
 * Redis connection; and what a retraction tells live delivery.
 */
record EventLoopServices(StoryIngestor ingestor, StoryStreams streams, AudienceStore audiences,
                         CrossShareStore crossShares, TrayReader trays, StoryRecords storyRecords,
                         DeadLetters deadLetters, MediaRecords media, LiveFeed live) {

    /** @param context the event loop's context, which the ingest's group commit runs on */
    static EventLoopServices create(StorycastConfig config, Context context, PipelinedRedis redis, ProcessMetrics metrics) {
        RedisKeys keys = RedisKeys.of(config);
        return new EventLoopServices(
                new StoryIngestor(new StoryEventDecoder(config.ingest(), System::currentTimeMillis),
                        new StoryStreamAppender(context, redis, keys)),
                new StoryStreams(redis, keys),
                new AudienceStore(redis, keys),
                new CrossShareStore(redis, keys),
                new TrayReader(redis, keys, config.trays().maxStories(), config.ingest().maxStoryAgeMillis(), System::currentTimeMillis),
                new StoryRecords(redis, keys),
                new DeadLetters(redis, keys, metrics.counters()),
                MediaRecords.of(redis, keys, config),
                // Retractions are published from here, one message each, on the event loop's own connection.
                config.live().enabled() ? new LivePublisher(redis, keys, metrics.live(), config.live().maxPendingLookups(),
                        System::currentTimeMillis) : LiveFeed.NONE);
    }
}
