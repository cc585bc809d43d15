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
 * The gateway's own Redis writes without HTTP: the atomic dedupe-and-append script, called by the
 * gateway's {@link StoryStreamAppender} over one pipelined connection, with batches of fresh events spread
 * over 16 partitions as the gateway spreads them. Its Redis CPU per event is the cost of durable,
 * deduplicated ingest on this Redis; its rate is bounded by the one event loop that also makes the events.
 */
final class AppendScriptLoad {
    private AppendScriptLoad() {
    }

    static IngestComparison.Result measure(Vertx vertx, String redisUrl, RedisCounters redisCounters, int warmup, int seconds,
                                           int inFlight, int batchSize) throws Exception {
        StoryEventDecoder decoder = new StoryEventDecoder(new IngestConfig(16, 1000, 2200, 86_400, 300, 1),
                System::currentTimeMillis);
        Redis connector = Redis.createClient(vertx, new RedisOptions().setConnectionString(redisUrl).setMaxWaitingHandlers(100_000));
        PipelinedRedis redis = new PipelinedRedis(connector, 10_000, 100);
        // The appender is confined to one event loop, as in a gateway verticle: it is created there and
        // every call hops onto it.
        Context eventLoop = vertx.getOrCreateContext();
        Promise<StoryStreamAppender> created = Promise.promise();
        eventLoop.runOnContext(ignored -> created.complete(new StoryStreamAppender(eventLoop, redis, new RedisKeys("storycast", 16))));
        StoryStreamAppender appender = created.future().await(10, java.util.concurrent.TimeUnit.SECONDS);
        AtomicLong ids = new AtomicLong();
        try {
            // One event loop generates, decodes and appends here, so the rate is bounded by that thread;
            // the Redis CPU per event is what this line is for.
            return ClosedLoad.measure("gateway append script, no HTTP (batches of " + batchSize + ", one event loop, "
                    + inFlight + " in flight)", "events/s", redisCounters, warmup, seconds, inFlight, () -> {
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
