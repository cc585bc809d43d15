package io.storycast.bench;

import io.storycast.gateway.config.IngestConfig;
import io.storycast.gateway.ingest.AppendOutcome;
import io.storycast.gateway.ingest.StoryEventDecoder;
import io.storycast.gateway.ingest.StoryStreamAppender;
import io.storycast.gateway.redis.PipelinedRedis;
import io.storycast.gateway.redis.RedisKeys;
import io.storycast.gateway.story.StoryEvent;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The gateway's own Redis writes without HTTP or JSON: the atomic dedupe-and-append script, called by the
 * gateway's {@link StoryStreamAppender} over one pipelined connection, with batches of fresh events spread
 * over 16 partitions as the gateway spreads them. The limit of durable, deduplicated ingest on this Redis.
 */
final class AppendScriptLoad {
    private AppendScriptLoad() {
    }

    static IngestComparison.Result measure(Vertx vertx, String redisUrl, int warmup, int seconds, int inFlight,
                                           int batchSize) throws Exception {
        StoryEventDecoder decoder = new StoryEventDecoder(new IngestConfig(16, 1000, 2200, 86_400, 300, 1),
                System::currentTimeMillis);
        Redis connector = Redis.createClient(vertx, new RedisOptions().setConnectionString(redisUrl).setMaxWaitingHandlers(100_000));
        PipelinedRedis redis = new PipelinedRedis(connector, 10_000, 100);
        // The appender is confined to one event loop, as in a gateway verticle: every call hops onto it.
        Context eventLoop = vertx.getOrCreateContext();
        StoryStreamAppender appender = new StoryStreamAppender(eventLoop, redis, new RedisKeys("storycast", 16));
        AtomicLong ids = new AtomicLong();
        try {
            return IngestComparison.measure("gateway append script, no HTTP (" + batchSize + " events/call group, "
                    + inFlight + " in flight)", "events/s", warmup, seconds, inFlight, () -> {
                List<StoryEvent> events = new ArrayList<>(batchSize);
                for (int i = 0; i < batchSize; i++) {
                    long id = ids.incrementAndGet();
                    byte[] json = BenchEvents.event("a-" + id, "author-" + (id % 1000)).getBytes(StandardCharsets.UTF_8);
                    events.add(decoder.decode(json, 0, json.length).event());
                }
                Promise<Integer> appended = Promise.promise();
                eventLoop.runOnContext(ignored -> appender.append("bench", events).map(outcomes -> {
                    int count = 0;
                    for (AppendOutcome outcome : outcomes) {
                        count += outcome.appended() ? 1 : 0;
                    }
                    return count;
                }).onComplete(appended));
                return appended.future();
            });
        } finally {
            Promise<Void> closed = Promise.promise();
            eventLoop.runOnContext(ignored -> redis.close().onComplete(closed)); // it belongs to that event loop
            closed.future().await(10, java.util.concurrent.TimeUnit.SECONDS);
        }
    }
}
