package io.storycast.bench;

import io.storycast.gateway.story.Audience;
import io.storycast.gateway.story.Platform;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One run, one machine: the fan-out of one story to a large audience (1,000,000 followers by default)
 * beside the raw pipelined ZADD limit of the same Redis, as ratios. The raw limit is measured three ways:
 * the Vert.x client sending batches of ZADD to random tray-like keys (the same client the gateway uses),
 * and {@code redis-benchmark -P 64} when installed; plus, for scale, the same batches with a PEXPIRE per key
 * (what a tray write would cost if it renewed an expiry, which the design avoids). The gateway runs as its fat jar in its own JVM; the audience is seeded straight into
 * Redis (seeding is not measured); each story's fan-out is timed by {@link LargeFanout}, from its post to
 * the {@code finishedAt} its record gets when the last tray write is confirmed.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.storycast.bench.FanoutComparison [--followers 1000000]
 *      [--stories 2] [--seconds 10] [--warmup 3] [--chunk-size 1000] [--with-expiry true]
 *      [--redis-benchmark-requests 3000000] [--gateway-jvm-args "..."]
 *      [--gateway-jar gateway/target/storycast-gateway.jar] [--out target/fanout-comparison]</pre>
 * An option it does not know stops it before it starts.
 */
public final class FanoutComparison {
    private static final int RAW_BATCH = 1000;
    private static final String AUTHOR = "celebrity-1";

    /**
     * What a run measures.
     *
     * @param withExpiry             whether to measure the ZADD + PEXPIRE line too (for scale; trays do not do it)
     * @param redisBenchmarkRequests ZADD that {@code redis-benchmark} sends
     */
    record Settings(int followers, int stories, int seconds, int warmup, String chunkSize, Path gatewayJar,
                    String gatewayJvmArgs, boolean withExpiry, int redisBenchmarkRequests) {
        /** Reads every option of the run (the defaults are in the class's usage line). */
        static Settings from(Arguments options) {
            return new Settings(options.integer("followers", 1_000_000), options.integer("stories", 2),
                    options.integer("seconds", 10), options.integer("warmup", 3),
                    Integer.toString(options.integer("chunk-size", 1000)),
                    options.path("gateway-jar", "gateway/target/storycast-gateway.jar"),
                    options.string("gateway-jvm-args", ""), options.bool("with-expiry", true),
                    options.integer("redis-benchmark-requests", 3_000_000));
        }
    }

    /**
     * What a run measured.
     *
     * @param results every rate in the order measured (the raw Vert.x ZADD first)
     * @param byKey   the same by key: {@code raw-zadd}, {@code raw-zadd-pexpire} (when measured),
     *                {@code redis-benchmark-zadd} (when installed), {@code fanout-1} ... {@code fanout-N}
     */
    record Outcome(List<IngestComparison.Result> results, Map<String, IngestComparison.Result> byKey) {
    }

    public static void main(String[] args) throws Exception {
        Arguments options = Arguments.parse(args);
        Path out = options.path("out", "target/fanout-comparison");
        Settings settings = Settings.from(options);
        options.requireKnown();
        Files.createDirectories(out);
        Outcome outcome = run(settings, out);
        Report.write(outcome.results(), out, LocalDate.now().toString(), "fanout-comparison", "tray writes/s",
                "raw pipelined ZADD (Vert.x client)");
    }

    static Outcome run(Settings settings, Path out) throws Exception {
        Map<String, IngestComparison.Result> byKey = new LinkedHashMap<>();
        Vertx vertx = Vertx.vertx();
        try (BenchRedis redis = BenchRedis.start("storycast-fanout-redis");
             RedisCounters cpu = new RedisCounters(vertx, redis)) {
            Redis raw = Redis.createClient(vertx, new RedisOptions().setConnectionString(redis.url())
                    .setMaxPoolSize(8).setMaxPoolWaiting(1024).setMaxWaitingHandlers(65_536));
            int followers = settings.followers();
            Callable<IngestComparison.Result> rawZadd = () -> ClosedLoad.measure("raw pipelined ZADD (Vert.x client, batches of "
                    + RAW_BATCH + ", 4 pipelines)", "tray writes/s", cpu, settings.warmup(), settings.seconds(), 4,
                    () -> zaddBatch(raw, followers, false));
            IngestComparison.Result before = rawZadd.call();
            if (settings.withExpiry()) {
                byKey.put("raw-zadd-pexpire", ClosedLoad.measure("raw pipelined ZADD + PEXPIRE per write (for comparison: not what trays do)",
                        "tray writes/s", cpu, settings.warmup(), settings.seconds(), 4, () -> zaddBatch(raw, followers, true)));
            }
            redisBenchmark(redis.port(), followers, settings.redisBenchmarkRequests(), out)
                    .ifPresent(result -> byKey.put("redis-benchmark-zadd", result));
            call(raw, Request.cmd(Command.FLUSHALL));
            seedAudience(raw, followers);

            try (GatewayProcess gateway = GatewayProcess.start(settings.gatewayJar(), settings.gatewayJvmArgs(), Map.of(
                    "STORYCAST_REDIS_URL", redis.url(),
                    "STORYCAST_HTTP_PORT", "0",
                    "STORYCAST_FANOUT_CHUNK_SIZE", settings.chunkSize(),
                    // The push into every tray is what is measured: no outbox for the large audience.
                    "STORYCAST_FANOUT_OUTBOX_THRESHOLD", "1000000000"), out.resolve("gateway.log"))) {
                HttpClient http = vertx.createHttpClient(new HttpClientOptions()
                        .setDefaultHost("127.0.0.1").setDefaultPort(gateway.port()));
                for (int story = 1; story <= settings.stories(); story++) {
                    byKey.put("fanout-" + story, fanOutOneStory(http, raw, cpu, "fanout-story-" + story, followers));
                }
                http.close();
            }
            // Again after the stories, the gateway stopped: on a shared machine the load drifts, so the
            // reference is the mean of the raw rate before and after.
            IngestComparison.Result after = rawZadd.call();
            byKey.put("raw-zadd", new IngestComparison.Result(before.name() + ", mean of before and after the fan-outs",
                    before.unit(), (before.perSecond() + after.perSecond()) / 2,
                    (before.redisMicrosPerEvent() + after.redisMicrosPerEvent()) / 2, 0));
            byKey.put("raw-zadd-before", new IngestComparison.Result(before.name() + ", before the fan-outs", before.unit(),
                    before.perSecond(), before.redisMicrosPerEvent(), 0));
            byKey.put("raw-zadd-after", new IngestComparison.Result(after.name() + ", after the fan-outs", after.unit(),
                    after.perSecond(), after.redisMicrosPerEvent(), 0));
        } finally {
            vertx.close().await();
        }
        return new Outcome(IngestComparison.referenceFirst(byKey, "raw-zadd"), byKey);
    }

    private static IngestComparison.Result fanOutOneStory(HttpClient http, Redis redis, RedisCounters cpu, String storyId,
                                                          int followers) throws Exception {
        RedisCounters.Snapshot before = cpu.read();
        LargeFanout.Result fanout = LargeFanout.start(http, redis, AUTHOR, storyId).awaitDone(followers);
        RedisCounters.Snapshot after = cpu.read();
        IngestComparison.Result result = new IngestComparison.Result(String.format(
                "gateway fan-out of one story to %,d followers (%.2f s)", followers, fanout.seconds()),
                "tray writes/s", fanout.writesPerSecond(), after.cpuMicrosPerEvent(before, followers), 0);
        System.out.printf("%-70s %,14.0f %s  (Redis CPU %.2f us/write)%n", result.name(), result.perSecond(),
                result.unit(), result.redisMicrosPerEvent());
        return result;
    }

    private static Future<Integer> zaddBatch(Redis redis, int keys, boolean withExpiry) {
        List<Request> batch = new ArrayList<>(withExpiry ? 2 * RAW_BATCH : RAW_BATCH);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < RAW_BATCH; i++) {
            String key = "{storycast:tray:bench:u" + random.nextInt(keys) + "}";
            batch.add(Request.cmd(Command.ZADD).arg(key).arg(System.currentTimeMillis()).arg("instagram:raw-story"));
            if (withExpiry) {
                batch.add(Request.cmd(Command.PEXPIRE).arg(key).arg(86_700_000));
            }
        }
        return redis.batch(batch).map(replies -> RAW_BATCH);
    }

    private static void seedAudience(Redis redis, int followers) throws Exception {
        seedAudience(redis, AUTHOR, "u", followers);
    }

    /** Seeds an author's instagram followers {@code <prefix>0000000...} straight into Redis. */
    static void seedAudience(Redis redis, String author, String memberPrefix, int followers) throws Exception {
        String audience = BenchEvents.KEYS.audience(Platform.INSTAGRAM, author, Audience.DEFAULT);
        for (int from = 0; from < followers; from += 10_000) {
            Request zadd = Request.cmd(Command.ZADD).arg(audience);
            for (int i = from; i < Math.min(followers, from + 10_000); i++) {
                zadd.arg(0).arg(String.format("%s%07d", memberPrefix, i));
            }
            call(redis, zadd);
        }
        if (followers >= 10_000) {
            System.out.printf("seeded %,d followers of %s%n", followers, author);
        }
    }

    private static Optional<IngestComparison.Result> redisBenchmark(int port, int keys, int requests, Path out) throws Exception {
        return RedisBenchmarkTool.run(port, out.resolve("redis-benchmark-zadd.txt"),
                "raw pipelined ZADD (redis-benchmark -P 64 -c 4, random keys)", "tray writes/s",
                List.of("-n", Integer.toString(requests), "-r", Integer.toString(keys),
                        "ZADD", "{storycast:tray:rb:__rand_int__}", "1", "instagram:raw-story"));
    }

    static Response call(Redis redis, Request request) throws Exception {
        return redis.send(request).await(60, TimeUnit.SECONDS);
    }
}
