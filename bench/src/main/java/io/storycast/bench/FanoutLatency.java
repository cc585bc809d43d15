package io.storycast.bench;

import io.storycast.gateway.redis.EmbeddedRedis;
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
 * (goal: at most 2); absolute times depend on the machine.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.storycast.bench.FanoutLatency [--rate 2000] [--lane-rate 200]
 *      [--seconds 10] [--batch-millis 0] [--authors 500] [--followers 100] [--celebrity-followers 1000000]
 *      [--gateway-env STORYCAST_X=1,STORYCAST_Y=2] [--gateway-jar gateway/target/storycast-gateway.jar]
 *      [--out target/fanout-latency]</pre>
 * {@code --rate 0} skips the steady phase. {@code --batch-millis N} posts the stories due within each N ms
 * as one NDJSON request, as a batching producer does (default 0: one request per story).
 */
public final class FanoutLatency {
    private static final String CELEBRITY = "celebrity-1";

    public static void main(String[] args) throws Exception {
        Map<String, String> options = Arguments.parse(args);
        double rate = Double.parseDouble(options.getOrDefault("rate", "2000"));
        double laneRate = Double.parseDouble(options.getOrDefault("lane-rate", "200"));
        double seconds = Double.parseDouble(options.getOrDefault("seconds", "10"));
        long batchMillis = Long.parseLong(options.getOrDefault("batch-millis", "0"));
        int authors = Integer.parseInt(options.getOrDefault("authors", "500"));
        int followers = Integer.parseInt(options.getOrDefault("followers", "100"));
        int celebrityFollowers = Integer.parseInt(options.getOrDefault("celebrity-followers", "1000000"));
        Path jar = Path.of(options.getOrDefault("gateway-jar", "gateway/target/storycast-gateway.jar"));
        Path out = Files.createDirectories(Path.of(options.getOrDefault("out", "target/fanout-latency")));
        Path redisDir = Files.createTempDirectory("storycast-latency-redis");

        List<String> smallAuthors = IntStream.range(0, authors).mapToObj(i -> "author-" + i).toList();
        List<String> lines = new ArrayList<>();
        Vertx vertx = Vertx.vertx();
        try (EmbeddedRedis redisServer = EmbeddedRedis.start(redisDir, "everysec")) {
            Redis redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(redisServer.url())
                    .setMaxPoolSize(4).setMaxPoolWaiting(1024).setMaxWaitingHandlers(65_536));
            FanoutComparison.call(redis, Request.cmd(Command.CONFIG).arg("SET").arg("auto-aof-rewrite-percentage").arg("0"));
            for (int i = 0; i < authors; i++) {
                FanoutComparison.seedAudience(redis, smallAuthors.get(i), "a" + i + "-f", followers);
            }
            FanoutComparison.seedAudience(redis, CELEBRITY, "u", celebrityFollowers);
            Map<String, String> environment = new java.util.HashMap<>(Map.of(
                    "STORYCAST_REDIS_URL", redisServer.url(),
                    "STORYCAST_HTTP_PORT", "0",
                    "STORYCAST_FANOUT_OUTBOX_THRESHOLD", "1000000000"));
            for (String setting : options.getOrDefault("gateway-env", "").split(",")) {
                if (!setting.isBlank()) {
                    environment.put(setting.substring(0, setting.indexOf('=')), setting.substring(setting.indexOf('=') + 1));
                }
            }
            try (GatewayProcess gateway = GatewayProcess.start(jar, options.getOrDefault("gateway-jvm-args", ""),
                    environment, out.resolve("gateway.log"))) {
                HttpClient http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
                        .setDefaultPort(gateway.port()), new PoolOptions().setHttp1MaxSize(64));
                OpenStoryLoad load = new OpenStoryLoad(vertx, http, batchMillis);
                FanoutFinish finish = new FanoutFinish(redis);

                // Warm-up: the JIT compiles the ingest and fan-out paths (a cold gateway is 10x slower at first).
                load.run("warm-up", smallAuthors, 500, 10, () -> true);
                FanoutComparison.call(redis, Request.cmd(Command.CONFIG).arg("RESETSTAT"));
                Histogram steady = rate <= 0 ? new Histogram(3)
                        : finish.latencies(load.run("steady", smallAuthors, rate, seconds, () -> true));
                // Where Redis's time went in the steady phase: calls and microseconds per command.
                Files.writeString(out.resolve("redis-commandstats-steady.txt"), redis.send(Request.cmd(Command.INFO)
                        .arg("commandstats")).await().toString());
                Histogram baseline = finish.latencies(load.run("lane-baseline", smallAuthors, laneRate, seconds, () -> true));

                LargeFanout large = LargeFanout.start(http, redis, CELEBRITY, "celebrity-story");
                Histogram beside = finish.latencies(load.run("beside-large", smallAuthors, laneRate, 120, large::running));
                LargeFanout.Result largeResult = large.awaitDone(celebrityFollowers);

                if (rate > 0) {
                    lines.add(String.format("| steady, %.0f stories/s | %s |", rate, FanoutFinish.summary(steady)));
                }
                lines.add(String.format("| lane baseline, %.0f stories/s | %s |", laneRate, FanoutFinish.summary(baseline)));
                lines.add(String.format("| beside a %,d-follower fan-out (%.1f s, %,.0f tray writes/s), %.0f stories/s | %s |",
                        celebrityFollowers, largeResult.seconds(), largeResult.writesPerSecond(), laneRate,
                        FanoutFinish.summary(beside)));
                double ratio = (double) beside.getValueAtPercentile(99) / Math.max(1, baseline.getValueAtPercentile(99));
                lines.add("");
                lines.add(String.format("p99 beside the large fan-out / lane baseline p99: **%.2f** (goal: at most 2)", ratio));
                http.close();
            }
        } finally {
            vertx.close().await();
            try (var paths = Files.walk(redisDir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
        List<String> report = new ArrayList<>();
        report.add("# Ingest→tray latency of 100-follower stories (ms, from the intended send time)");
        report.add("");
        report.add("| phase | " + FanoutFinish.HEADER + " |");
        report.add("|---|" + "---|".repeat(FanoutFinish.HEADER.split("\\|").length));
        report.addAll(lines);
        Files.write(out.resolve("fanout-latency.md"), report);
        report.forEach(System.out::println);
    }

    /** Reads when stories' fan-outs finished and turns them into latencies. */
    static final class FanoutFinish {
        static final String HEADER = "stories | p50 | p90 | p99 | p99.9 | max";
        private final Redis redis;

        FanoutFinish(Redis redis) {
            this.redis = redis;
        }

        /** Waits for every story's fan-out to finish (polling its record), then histograms the latencies in µs. */
        Histogram latencies(List<OpenStoryLoad.SentStory> stories) throws Exception {
            Histogram histogram = new Histogram(3_600_000_000L, 3);
            for (int from = 0; from < stories.size(); from += 500) {
                List<OpenStoryLoad.SentStory> slice = stories.subList(from, Math.min(stories.size(), from + 500));
                for (int attempt = 0; ; attempt++) {
                    List<Request> reads = new ArrayList<>(slice.size());
                    slice.forEach(story -> reads.add(Request.cmd(Command.HGET)
                            .arg("{storycast:story:instagram:" + story.storyId() + "}").arg("finishedAt:instagram")));
                    List<Response> finished = redis.batch(reads).await();
                    if (finished.stream().allMatch(Objects::nonNull)) {
                        for (int i = 0; i < slice.size(); i++) {
                            double latencyMillis = finished.get(i).toLong() - slice.get(i).intendedEpochMillis();
                            histogram.recordValue(Math.max(0, Math.round(latencyMillis * 1000)));
                        }
                        break;
                    }
                    if (attempt > 600) {
                        throw new IllegalStateException("stories did not finish within a minute");
                    }
                    Thread.sleep(100); // polling for completion only: the latency comes from the record
                }
            }
            return histogram;
        }

        static String summary(Histogram h) {
            return String.format("%,d | %.1f | %.1f | %.1f | %.1f | %.1f", h.getTotalCount(),
                    h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(90) / 1000.0,
                    h.getValueAtPercentile(99) / 1000.0, h.getValueAtPercentile(99.9) / 1000.0, h.getMaxValue() / 1000.0);
        }
    }
}
