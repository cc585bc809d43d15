package io.storycast.bench;

import io.storycast.gateway.redis.EmbeddedRedis;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * One run, one machine: story ingest through the gateway beside the raw pipelined XADD limit of the same
 * Redis, reported as ratios. The gateway runs as its fat jar in its own JVM against an embedded Redis
 * (append-only file on, as by default); the load comes from this JVM with Vert.x clients, closed-loop
 * with a fixed number of requests in flight, which measures capacity (not latency under an open load:
 * that is the Gatling suite's job).
 *
 * <pre>java -cp bench/target/benchmarks.jar io.storycast.bench.IngestComparison [--seconds 10] [--warmup 3]
 *      [--single-in-flight 64] [--batch-in-flight 32] [--partitions 16] [--gateway-jvm-args "-XX:..."]
 *      [--redis-config "appendonly no"]
 *      [--gateway-jar gateway/target/storycast-gateway.jar] [--out target/comparison]</pre>
 */
public final class IngestComparison {
    private static final int PIPELINE_DEPTH = 64;
    private static final int BATCH_SIZE = 100;

    public static void main(String[] args) throws Exception {
        Map<String, String> options = Arguments.parse(args);
        int seconds = Integer.parseInt(options.getOrDefault("seconds", "10"));
        int warmup = Integer.parseInt(options.getOrDefault("warmup", "3"));
        Path jar = Path.of(options.getOrDefault("gateway-jar", "gateway/target/storycast-gateway.jar"));
        Path out = Files.createDirectories(Path.of(options.getOrDefault("out", "target/comparison")));
        int singleInFlight = Integer.parseInt(options.getOrDefault("single-in-flight", "64"));
        int batchInFlight = Integer.parseInt(options.getOrDefault("batch-in-flight", "32"));
        Path redisDir = Files.createTempDirectory("storycast-comparison-redis");

        List<Result> results = new ArrayList<>();
        Vertx vertx = Vertx.vertx();
        try (EmbeddedRedis redis = EmbeddedRedis.start(redisDir, "everysec");
             RedisCounters cpu = new RedisCounters(vertx, redis.url())) {
            String payload = BenchEvents.event("raw-xadd-story", "author-1");
            Redis raw = Redis.createClient(vertx, new RedisOptions().setConnectionString(redis.url())
                    .setMaxPoolSize(8).setMaxPoolWaiting(1024));
            // An automatic AOF rewrite forks a child that takes a core away from whichever phase it lands
            // in; the append-only file itself stays on (as the gateway runs by default).
            raw.send(Request.cmd(Command.CONFIG).arg("SET").arg("auto-aof-rewrite-percentage").arg("0"))
                    .await(10, TimeUnit.SECONDS);
            // --redis-config "name value": one more server setting for the run, e.g. to see what the
            // append-only file costs ("appendonly no"); the default run keeps the gateway's defaults.
            String extraSetting = options.get("redis-config");
            if (extraSetting != null) {
                String[] nameAndValue = extraSetting.trim().split("\\s+", 2);
                raw.send(Request.cmd(Command.CONFIG).arg("SET").arg(nameAndValue[0]).arg(nameAndValue[1]))
                        .await(10, TimeUnit.SECONDS);
            }
            results.add(measure("raw pipelined XADD (Vert.x client, depth " + PIPELINE_DEPTH + ", 4 pipelines)", "events/s",
                    cpu, warmup, seconds, 4, () -> xaddBatch(raw, payload)));
            RedisBenchmarkTool.run(redis.port(), payload, out).ifPresent(results::add);
            results.add(AppendScriptLoad.measure(vertx, redis.url(), cpu, warmup, seconds, 32, BATCH_SIZE));
            raw.send(Request.cmd(Command.DEL).arg("{bench}:raw").arg("{bench}:redis-benchmark")).await(30, TimeUnit.SECONDS);
            raw.close();

            // Ingest only: a fan-out consuming the streams would share the two cores and Redis with what is measured.
            try (GatewayProcess gateway = GatewayProcess.start(jar, options.getOrDefault("gateway-jvm-args", ""), Map.of(
                    "STORYCAST_FANOUT_ENABLED", "false",
                    "STORYCAST_REDIS_URL", redis.url(),
                    "STORYCAST_HTTP_PORT", "0",
                    "STORYCAST_HTTP_MAX_IN_FLIGHT_REQUESTS", "100000",
                    "STORYCAST_INGEST_STREAM_PARTITIONS", options.getOrDefault("partitions", "16")), out.resolve("gateway.log"))) {
                HttpClient http = vertx.createHttpClient(new HttpClientOptions()
                        .setDefaultHost("127.0.0.1").setDefaultPort(gateway.port()).setKeepAlive(true),
                        new PoolOptions().setHttp1MaxSize(128));
                AtomicLong ids = new AtomicLong();
                results.add(measure("HTTP single-event requests (" + singleInFlight + " in flight)", "events/s", cpu, warmup, seconds, singleInFlight,
                        () -> {
                            long id = ids.incrementAndGet();
                            return post(http, "application/json", BenchEvents.event("s-" + id, "author-" + (id % 1000)));
                        }));
                results.add(measure("HTTP NDJSON batches of " + BATCH_SIZE + " (" + batchInFlight + " in flight)", "events/s", cpu, warmup, seconds, batchInFlight,
                        () -> post(http, "application/x-ndjson", batch(ids))));
                http.close();
            }
        } finally {
            vertx.close().await();
            deleteRecursively(redisDir);
        }
        Report.write(results, out, LocalDate.now().toString());
    }

    /**
     * Runs {@code concurrency} loops of {@code operation} for warm-up, then counts what they do in
     * {@code seconds}, and what Redis's CPU counter says they cost it.
     */
    static Result measure(String name, String unit, RedisCounters redisCounters, int warmupSeconds, int seconds, int concurrency,
                          Supplier<Future<Integer>> operation) throws InterruptedException {
        run(warmupSeconds, concurrency, operation);
        RedisCounters.Snapshot before = redisCounters.read();
        long count = run(seconds, concurrency, operation);
        RedisCounters.Snapshot after = redisCounters.read();
        Result result = new Result(name, unit, (double) count / seconds, after.cpuMicrosPerEvent(before, count),
                after.eventsPerScriptCall(before, count));
        System.out.printf("%-70s %,14.0f %s  (Redis CPU %.1f us/event, %.1f events/script call)%n", name,
                result.perSecond(), unit, result.redisMicrosPerEvent(), result.eventsPerScriptCall());
        return result;
    }

    private static long run(int seconds, int concurrency, Supplier<Future<Integer>> operation) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        java.util.concurrent.CountDownLatch loops = new java.util.concurrent.CountDownLatch(concurrency);
        for (int i = 0; i < concurrency; i++) {
            loop(operation, deadline, done, failed, loops);
        }
        loops.await();
        if (failed.get() > 0) {
            System.out.printf("  (%d operations failed and were not counted)%n", failed.get());
        }
        return done.get();
    }

    private static void loop(Supplier<Future<Integer>> operation, long deadline, AtomicLong done, AtomicLong failed,
                             java.util.concurrent.CountDownLatch loops) {
        operation.get().onComplete(result -> {
            if (result.succeeded() && System.nanoTime() < deadline) {
                done.addAndGet(result.result());
            } else if (result.failed()) {
                failed.incrementAndGet();
            }
            if (System.nanoTime() < deadline) {
                loop(operation, deadline, done, failed, loops);
            } else {
                loops.countDown();
            }
        });
    }

    private static Future<Integer> xaddBatch(Redis redis, String payload) {
        List<Request> batch = new ArrayList<>(PIPELINE_DEPTH);
        for (int i = 0; i < PIPELINE_DEPTH; i++) {
            // Trimmed (approximately, which costs next to nothing) so a fast run cannot fill the memory.
            batch.add(Request.cmd(Command.XADD).arg("{bench}:raw").arg("MAXLEN").arg("~").arg(1_000_000)
                    .arg("*").arg("event").arg(payload));
        }
        return redis.batch(batch).map(responses -> responses.size());
    }

    private static Future<Integer> post(HttpClient http, String contentType, String body) {
        return http.request(HttpMethod.POST, "/v1/stories")
                .compose(request -> request.putHeader("Authorization", "Bearer storycast-dev-key")
                        .putHeader("Content-Type", contentType).send(body))
                .compose(response -> response.body().map(buffer -> {
                    if (response.statusCode() == 202) {
                        return 1;
                    }
                    if (response.statusCode() == 200 && contentType.endsWith("ndjson")) {
                        return buffer.toJsonObject().getInteger("accepted");
                    }
                    throw new IllegalStateException("status " + response.statusCode() + ": " + buffer);
                }));
    }

    private static String batch(AtomicLong ids) {
        StringBuilder body = new StringBuilder(BATCH_SIZE * 320);
        for (int i = 0; i < BATCH_SIZE; i++) {
            long id = ids.incrementAndGet();
            body.append(BenchEvents.event("b-" + id, "author-" + (id % 1000))).append('\n');
        }
        return body.toString();
    }

    private static void deleteRecursively(Path folder) throws java.io.IOException {
        try (var paths = Files.walk(folder)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    /**
     * One measured line.
     *
     * @param redisMicrosPerEvent Redis main-process CPU microseconds per event in the measured window; 0 when unknown
     * @param eventsPerScriptCall events per script call (EVALSHA) in the measured window; 0 when no script ran
     */
    record Result(String name, String unit, double perSecond, double redisMicrosPerEvent, double eventsPerScriptCall) {
        JsonObject toJson() {
            return new JsonObject().put("name", name).put("unit", unit).put("perSecond", Math.round(perSecond))
                    .put("redisCpuMicrosPerEvent", Math.round(redisMicrosPerEvent * 10) / 10.0)
                    .put("eventsPerScriptCall", Math.round(eventsPerScriptCall * 10) / 10.0);
        }

        static JsonArray toJson(List<Result> results) {
            JsonArray array = new JsonArray();
            results.forEach(result -> array.add(result.toJson()));
            return array;
        }
    }
}
