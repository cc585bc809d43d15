package io.storycast.bench;

import io.storycast.gateway.story.Platform;
import io.storycast.gateway.fanout.TargetProgress;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.HdrHistogram.Histogram;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * Ingest→tray latency of small fan-outs, in one run against one gateway and one Redis:
 * <ol>
 *   <li><b>steady</b>: 100-follower authors post at {@code --rate} stories/s (2,000 by default);</li>
 *   <li><b>lane baseline</b>: the same at {@code --lane-rate} (200 by default);</li>
 *   <li><b>beside a large fan-out</b>: the same load while one story fans out to a 1,000,000-follower
 *       audience (pushed: the outbox threshold is set above it), to show the priority lanes at work.</li>
 * </ol>
 * A story's latency runs from its intended send time (open model, {@link OpenStoryLoad}) to the moment
 * the gateway saw its last tray write confirmed ({@code finishedAt} in the story's record, epoch ms, so
 * each figure is rounded to the millisecond). The result is the ratio of phase 3's p99 to phase 2's
 * (goal: at most 2); absolute times depend on the machine. A warm-up at 500 stories/s comes first, and the
 * first phase starts only once every warm-up story is in its trays: a cold gateway falls a second or more
 * behind, and a phase started on that backlog would measure it.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.storycast.bench.FanoutLatency [--rate 2000] [--lane-rate 200]
 *      [--seconds 10] [--warmup 10] [--batch-millis 0] [--authors 500] [--followers 100] [--celebrity-followers 1000000]
 *      [--gateway-env STORYCAST_X=1,STORYCAST_Y=2] [--gateway-jvm-args "..."]
 *      [--pin-redis-cpus 0] [--pin-gateway-cpus 1]
 *      [--gateway-jar gateway/target/storycast-gateway.jar] [--out target/fanout-latency]</pre>
 * {@code --rate 0} skips the steady phase. {@code --batch-millis N} posts the stories due within each N ms
 * as one NDJSON request, as a batching producer does (default 0: one request per story).
 * {@code --pin-redis-cpus} and {@code --pin-gateway-cpus} pin every thread of the Redis server and of the
 * gateway's JVM to those CPUs ({@link CpuPinning}, a {@code taskset} list) once both run, before the warm-up;
 * the load generator (this JVM) is not pinned. Default: empty, nothing pinned.
 */
public final class FanoutLatency {
    private static final String CELEBRITY = "celebrity-1";

    /**
     * What a run measures.
     *
     * @param rate          stories/s of the steady phase; 0 skips it
     * @param laneRate      stories/s of the lane baseline and of the phase beside the large fan-out
     * @param seconds       length of the steady phase and of the lane baseline
     * @param warmupSeconds length of the warm-up at 500 stories/s before anything is measured
     * @param gatewayEnv    more of the gateway's settings, {@code STORYCAST_X=1,STORYCAST_Y=2}; may be empty
     * @param pinRedisCpus   the CPUs Redis is pinned to, a {@code taskset} list; empty: not pinned
     * @param pinGatewayCpus the CPUs the gateway's JVM is pinned to; empty: not pinned
     */
    record Settings(double rate, double laneRate, double seconds, double warmupSeconds, long batchMillis, int authors,
                    int followers, int celebrityFollowers, String gatewayEnv, Path gatewayJar, String gatewayJvmArgs,
                    String pinRedisCpus, String pinGatewayCpus) {
        /** Reads every option of the run (the defaults are in the class's usage line). */
        static Settings from(Arguments options) {
            return new Settings(options.decimal("rate", 2000), options.decimal("lane-rate", 200),
                    options.decimal("seconds", 10), options.decimal("warmup", 10), options.longValue("batch-millis", 0),
                    options.integer("authors", 500), options.integer("followers", 100),
                    options.integer("celebrity-followers", 1_000_000), options.string("gateway-env", ""),
                    options.path("gateway-jar", "gateway/target/storycast-gateway.jar"),
                    options.string("gateway-jvm-args", ""), options.string("pin-redis-cpus", ""),
                    options.string("pin-gateway-cpus", ""));
        }
    }

    /**
     * What a run measured.
     *
     * @param latencies the phases' ingest→tray latencies: {@code fanout-steady} (when run),
     *                  {@code fanout-lane-baseline}, {@code fanout-beside-large}
     * @param large     the large fan-out's duration and rate
     * @param p99Ratio  p99 beside the large fan-out over the lane baseline's p99 (goal: at most 2)
     */
    record Outcome(List<Latency> latencies, LargeFanout.Result large, double p99Ratio) {
    }

    public static void main(String[] args) throws Exception {
        Arguments options = Arguments.parse(args);
        Path out = options.path("out", "target/fanout-latency");
        Settings settings = Settings.from(options);
        options.requireKnown();
        Files.createDirectories(out);
        Outcome outcome = run(settings, out);
        List<String> report = new ArrayList<>();
        report.add("# Ingest→tray latency of " + settings.followers() + "-follower stories (ms, from the intended send time)");
        report.add("");
        report.add(Latency.HEADER);
        report.add("|---|---:|---:|---:|---:|---:|---:|---:|");
        outcome.latencies().forEach(latency -> report.add(latency.row()));
        report.add("");
        report.add(String.format("p99 beside the large fan-out / lane baseline p99: **%.2f** (goal: at most 2)", outcome.p99Ratio()));
        Files.write(out.resolve("fanout-latency.md"), report);
        Latency.writeHgrm(outcome.latencies(), out);
        report.forEach(System.out::println);
    }

    static Outcome run(Settings settings, Path out) throws Exception {
        List<String> smallAuthors = IntStream.range(0, settings.authors()).mapToObj(i -> "author-" + i).toList();
        List<Latency> latencies = new ArrayList<>();
        Vertx vertx = Vertx.vertx();
        try (BenchRedis redisServer = BenchRedis.start("storycast-latency-redis")) {
            Redis redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(redisServer.url())
                    .setMaxPoolSize(4).setMaxPoolWaiting(1024).setMaxWaitingHandlers(65_536));
            for (int i = 0; i < settings.authors(); i++) {
                FanoutComparison.seedAudience(redis, smallAuthors.get(i), "a" + i + "-f", settings.followers());
            }
            FanoutComparison.seedAudience(redis, CELEBRITY, "u", settings.celebrityFollowers());
            Map<String, String> environment = new java.util.HashMap<>(Map.of(
                    "STORYCAST_REDIS_URL", redisServer.url(),
                    "STORYCAST_HTTP_PORT", "0",
                    "STORYCAST_FANOUT_OUTBOX_THRESHOLD", "1000000000"));
            for (String setting : settings.gatewayEnv().split(",")) {
                if (!setting.isBlank()) {
                    environment.put(setting.substring(0, setting.indexOf('=')), setting.substring(setting.indexOf('=') + 1));
                }
            }
            try (GatewayProcess gateway = GatewayProcess.start(settings.gatewayJar(), settings.gatewayJvmArgs(),
                    environment, out.resolve("gateway.log"))) {
                pin(settings, redis, gateway);
                HttpClient http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
                        .setDefaultPort(gateway.port()), new PoolOptions().setHttp1MaxSize(64));
                OpenStoryLoad load = new OpenStoryLoad(vertx, http, settings.batchMillis(), OpenHttpLoad.MAX_OUTSTANDING);
                FanoutFinish finish = new FanoutFinish(redis);
                String perStory = settings.batchMillis() > 0
                        ? String.format(", in NDJSON batches every %d ms", settings.batchMillis()) : "";

                // Warm-up: the JIT compiles the ingest and fan-out paths (a cold gateway is 10x slower at first).
                OpenStoryLoad.Sent warmup = load.run("warm-up", smallAuthors, 500, settings.warmupSeconds(), () -> true);
                // A cold gateway falls behind during the warm-up; no phase may start before its backlog is gone.
                finish.latencies(warmup.accepted());
                FanoutComparison.call(redis, Request.cmd(Command.CONFIG).arg("RESETSTAT"));
                if (settings.rate() > 0) {
                    latencies.add(finish.latency(String.format("ingest→tray, %d followers, steady %,.0f stories/s%s",
                            settings.followers(), settings.rate(), perStory), "fanout-steady",
                            load.run("steady", smallAuthors, settings.rate(), settings.seconds(), () -> true)));
                }
                // Where Redis's time went in the steady phase: calls and microseconds per command.
                Files.writeString(out.resolve("redis-commandstats-steady.txt"), redis.send(Request.cmd(Command.INFO)
                        .arg("commandstats")).await().toString());
                Latency baseline = finish.latency(String.format("ingest→tray, %d followers, %,.0f stories/s%s (lane baseline)",
                        settings.followers(), settings.laneRate(), perStory), "fanout-lane-baseline",
                        load.run("lane-baseline", smallAuthors, settings.laneRate(), settings.seconds(), () -> true));
                latencies.add(baseline);

                LargeFanout large = LargeFanout.start(http, redis, CELEBRITY, "celebrity-story");
                OpenStoryLoad.Sent besideSent = load.run("beside-large", smallAuthors, settings.laneRate(), 120, large::running);
                LargeFanout.Result largeResult = large.awaitDone(settings.celebrityFollowers());
                Latency beside = finish.latency(String.format("ingest→tray, %d followers, %,.0f stories/s%s, beside a %,d-follower "
                        + "fan-out (%.1f s, %,.0f tray writes/s)", settings.followers(), settings.laneRate(), perStory,
                        settings.celebrityFollowers(), largeResult.seconds(), largeResult.writesPerSecond()),
                        "fanout-beside-large", besideSent);
                latencies.add(beside);
                http.close();
                double ratio = (double) beside.histogram().getValueAtPercentile(99)
                        / Math.max(1, baseline.histogram().getValueAtPercentile(99));
                return new Outcome(latencies, largeResult, ratio);
            }
        } finally {
            vertx.close().await();
        }
    }

    /** Pins Redis and the gateway as the settings ask, and says so. */
    private static void pin(Settings settings, Redis redis, GatewayProcess gateway) throws Exception {
        if (!settings.pinRedisCpus().isEmpty()) {
            String info = redis.send(Request.cmd(Command.INFO).arg("server")).await().toString();
            long pid = info.lines().filter(line -> line.startsWith("process_id:"))
                    .mapToLong(line -> Long.parseLong(line.substring("process_id:".length()).trim())).findFirst()
                    .orElseThrow(() -> new IllegalStateException("INFO server named no process_id"));
            CpuPinning.pin("Redis", pid, settings.pinRedisCpus());
            System.out.println("Redis (pid " + pid + ") pinned to CPUs " + settings.pinRedisCpus());
        }
        if (!settings.pinGatewayCpus().isEmpty()) {
            CpuPinning.pin("the gateway", gateway.handle().pid(), settings.pinGatewayCpus());
            System.out.println("the gateway (pid " + gateway.handle().pid() + ") pinned to CPUs " + settings.pinGatewayCpus());
        }
    }

    /** Reads when stories' fan-outs finished and turns them into latencies. */
    static final class FanoutFinish {
        private final Redis redis;

        FanoutFinish(Redis redis) {
            this.redis = redis;
        }

        /** The latencies of the accepted stories of a phase, with its refused and unsent ones as failed. */
        Latency latency(String name, String key, OpenStoryLoad.Sent sent) throws Exception {
            return new Latency(name, key, latencies(sent.accepted()), sent.failed());
        }

        /** Waits for every story's fan-out to finish (polling its record), then histograms the latencies in µs. */
        Histogram latencies(List<OpenStoryLoad.SentStory> stories) throws Exception {
            Histogram histogram = new Histogram(3_600_000_000L, 3);
            for (int from = 0; from < stories.size(); from += 500) {
                List<OpenStoryLoad.SentStory> slice = stories.subList(from, Math.min(stories.size(), from + 500));
                for (int attempt = 0; ; attempt++) {
                    List<Request> reads = new ArrayList<>(slice.size());
                    slice.forEach(story -> reads.add(Request.cmd(Command.HGET)
                            .arg(BenchEvents.KEYS.story(Platform.INSTAGRAM, story.storyId())).arg(TargetProgress.finishedAtField(Platform.INSTAGRAM))));
                    List<Response> finished = redis.batch(reads).await();
                    if (finished.stream().allMatch(Objects::nonNull)) {
                        for (int i = 0; i < slice.size(); i++) {
                            double latencyMillis = finished.get(i).toLong() - slice.get(i).intendedEpochMillis();
                            histogram.recordValue(Math.max(0, Math.round(latencyMillis * 1000)));
                        }
                        break;
                    }
                    if (attempt > 600) {
                        long unfinished = finished.stream().filter(Objects::isNull).count();
                        throw new IllegalStateException(unfinished + " of " + slice.size()
                                + " accepted stories did not finish their fan-out within a minute of the load's end");
                    }
                    Thread.sleep(100); // polling for completion only: the latency comes from the record
                }
            }
            return histogram;
        }
    }
}
