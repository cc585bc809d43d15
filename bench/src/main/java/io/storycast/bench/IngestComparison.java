package io.storycast.bench;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.Callable;

/**
 * One run, one machine: story ingest through the gateway beside the raw pipelined XADD limit of the same
 * Redis, and beside a bare Vert.x endpoint that only answers 202 ({@link BareEndpoint}), reported as ratios.
 * The gateway and the bare endpoint each run in a JVM of their own (the gateway as its fat jar, against an
 * embedded Redis with the append-only file on, as by default), both started before the first phase; the
 * load comes from this JVM with the same Vert.x clients for both. Each gateway phase runs right beside its
 * reference (gateway singles, bare singles, gateway batches, bare batches), and the raw XADD limit is
 * measured before and after the HTTP phases and averaged, so a load that drifts on a shared machine skews
 * a ratio less. Phases:
 * <ul>
 *   <li>closed loops with a fixed number of requests in flight ({@link ClosedLoad}), single events and
 *       NDJSON batches of 100: capacity, reported as rates only;</li>
 *   <li>open-model phases at a fixed rate ({@link OpenHttpLoad}), single events and batches: latency from
 *       each request's due time, as percentiles ({@code --latency-seconds 0} skips them).</li>
 * </ul>
 *
 * <pre>java -cp bench/target/benchmarks.jar io.storycast.bench.IngestComparison [--seconds 10] [--warmup 3]
 *      [--server-warmup 20] [--single-in-flight 64] [--batch-in-flight 32] [--partitions 16]
 *      [--gateway-jvm-args "-XX:..."] [--redis-config "appendonly no"] [--redis-benchmark-requests 2000000]
 *      [--bare true] [--latency-seconds 10] [--single-rate 2000] [--batch-rate 100]
 *      [--gateway-jar gateway/target/storycast-gateway.jar] [--out target/comparison]</pre>
 * An option it does not know stops it before it starts.
 */
public final class IngestComparison {
    private static final int PIPELINE_DEPTH = 64;
    private static final int IDLE_TIMEOUT_SECONDS = 30;
    static final int BATCH_SIZE = 100;

    /**
     * What a run measures and for how long.
     *
     * @param redisBenchmarkRequests XADD that {@code redis-benchmark} sends
     * @param bare                   whether the bare endpoint is measured too
     * @param latencySeconds         length of each open-model phase, seconds; 0 skips them
     * @param singleRate             single-event requests per second of the open-model phase
     * @param batchRate              NDJSON batches of {@value #BATCH_SIZE} per second of the open-model phase
     * @param serverWarmup           seconds of unmeasured singles, then as many of batches, sent to each server
     *                               before its first measured phase (the JIT's warm-up); 0 skips it
     */
    record Settings(int seconds, int warmup, int singleInFlight, int batchInFlight, String partitions, Path gatewayJar,
                    String gatewayJvmArgs, String redisConfig, int redisBenchmarkRequests, boolean bare,
                    double latencySeconds, double singleRate, double batchRate, int serverWarmup) {
        /** Reads every option of the run (the defaults are in the class's usage line). */
        static Settings from(Arguments options) {
            return new Settings(options.integer("seconds", 10), options.integer("warmup", 3),
                    options.integer("single-in-flight", 64), options.integer("batch-in-flight", 32),
                    Integer.toString(options.integer("partitions", 16)),
                    options.path("gateway-jar", "gateway/target/storycast-gateway.jar"),
                    options.string("gateway-jvm-args", ""), options.string("redis-config", null),
                    options.integer("redis-benchmark-requests", 2_000_000), options.bool("bare", true),
                    options.decimal("latency-seconds", 10), options.decimal("single-rate", 2000),
                    options.decimal("batch-rate", 100), options.integer("server-warmup", 20));
        }
    }

    /**
     * What a run measured.
     *
     * @param results   every rate, in the order measured (the raw XADD first)
     * @param byKey     the same by key: {@code raw-xadd}, {@code redis-benchmark-xadd} (when installed),
     *                  {@code append-script}, {@code http-single}, {@code http-batch}, {@code bare-single},
     *                  {@code bare-batch} (with the bare endpoint)
     * @param latencies the open-model phases' latencies, by name
     */
    record Outcome(List<Result> results, Map<String, Result> byKey, List<Latency> latencies) {
    }

    public static void main(String[] args) throws Exception {
        Arguments options = Arguments.parse(args);
        Path out = options.path("out", "target/comparison");
        Settings settings = Settings.from(options);
        options.requireKnown();
        Files.createDirectories(out);
        Outcome outcome = run(settings, out);
        Report.write(outcome.results(), out, LocalDate.now().toString());
        if (!outcome.latencies().isEmpty()) {
            Latency.print(outcome.latencies());
            Latency.writeHgrm(outcome.latencies(), out);
        }
    }

    static Outcome run(Settings settings, Path out) throws Exception {
        Map<String, Result> byKey = new LinkedHashMap<>();
        List<Latency> latencies = new ArrayList<>();
        Vertx vertx = Vertx.vertx();
        try (BenchRedis redis = BenchRedis.start("storycast-comparison-redis");
             RedisCounters cpu = new RedisCounters(vertx, redis)) {
            // --redis-config "name value": one more server setting for the run, e.g. to see what the
            // append-only file costs ("appendonly no"); the default run keeps the gateway's defaults.
            if (settings.redisConfig() != null) {
                String[] nameAndValue = settings.redisConfig().trim().split("\\s+", 2);
                if (nameAndValue.length != 2) {
                    throw new IllegalArgumentException("--redis-config takes \"name value\", was '" + settings.redisConfig() + "'");
                }
                redis.configSet(nameAndValue[0], nameAndValue[1]);
            }
            String payload = BenchEvents.event("raw-xadd-story", "author-1");
            Redis raw = Redis.createClient(vertx, new RedisOptions().setConnectionString(redis.url())
                    .setMaxPoolSize(8).setMaxPoolWaiting(1024));
            Callable<Result> rawXadd = () -> ClosedLoad.measure("raw pipelined XADD (Vert.x client, depth " + PIPELINE_DEPTH
                    + ", 4 pipelines)", "events/s", cpu, null, settings.warmup(), settings.seconds(), 4, () -> xaddBatch(raw, payload));
            // Ingest only: a fan-out consuming the streams would share the two cores and Redis with what is measured.
            // Both servers run from here on, each idle while the other is measured, so that each of the gateway's
            // phases has its reference right beside it in time: on a shared machine the load drifts.
            try (GatewayProcess gateway = GatewayProcess.start(settings.gatewayJar(), settings.gatewayJvmArgs(), Map.of(
                    "STORYCAST_FANOUT_ENABLED", "false",
                    "STORYCAST_REDIS_URL", redis.url(),
                    "STORYCAST_HTTP_PORT", "0",
                    "STORYCAST_HTTP_MAX_IN_FLIGHT_REQUESTS", "100000",
                    "STORYCAST_INGEST_STREAM_PARTITIONS", settings.partitions()), out.resolve("gateway.log"));
                 GatewayProcess bare = settings.bare() ? GatewayProcess.startBareEndpoint(settings.gatewayJvmArgs(),
                         Runtime.getRuntime().availableProcessors(), out.resolve("bare-endpoint.log")) : null) {
                List<Target> targets = new ArrayList<>();
                targets.add(new Target("HTTP", "http", client(vertx, gateway.port()), cpu, gateway.handle()));
                if (bare != null) {
                    targets.add(new Target("bare Vert.x 202 endpoint:", "bare", client(vertx, bare.port()), null, bare.handle()));
                }
                for (Target target : targets) {
                    target.warmUp(settings);
                }
                Result before = rawXadd.call();
                for (Target target : targets) {
                    byKey.put(target.key() + "-single", target.closedSingles(settings));
                }
                for (Target target : targets) {
                    byKey.put(target.key() + "-batch", target.closedBatches(settings));
                }
                Result after = rawXadd.call();
                // The reference of the batches: the raw limit measured before and after the HTTP phases, averaged.
                byKey.put("raw-xadd", new Result(before.name() + ", mean of before and after the HTTP phases", before.unit(),
                        (before.perSecond() + after.perSecond()) / 2,
                        (before.redisMicrosPerEvent() + after.redisMicrosPerEvent()) / 2, 0, 0,
                        (before.loadMicrosPerEvent() + after.loadMicrosPerEvent()) / 2));
                byKey.put("raw-xadd-before", rename(before, "before"));
                byKey.put("raw-xadd-after", rename(after, "after"));
                RedisBenchmarkTool.run(redis.port(), payload, out, settings.redisBenchmarkRequests())
                        .ifPresent(result -> byKey.put("redis-benchmark-xadd", result));
                byKey.put("append-script", AppendScriptLoad.measure(vertx, redis.url(), cpu, settings.warmup(),
                        settings.seconds(), 32, BATCH_SIZE));
                raw.send(Request.cmd(Command.DEL).arg("{bench}:raw").arg("{bench}:redis-benchmark")).await(30, TimeUnit.SECONDS);
                if (settings.latencySeconds() > 0) {
                    OpenHttpLoad open = new OpenHttpLoad(vertx.getOrCreateContext(), OpenHttpLoad.MAX_OUTSTANDING);
                    for (Target target : targets) {
                        latencies.add(target.openSingles(open, settings));
                    }
                    for (Target target : targets) {
                        latencies.add(target.openBatches(open, settings));
                    }
                }
                for (Target target : targets) {
                    target.http().close().await();
                }
            } finally {
                raw.close();
            }
        } finally {
            vertx.close().await();
        }
        return new Outcome(referenceFirst(byKey, "raw-xadd"), byKey, latencies);
    }

    /**
     * A keep-alive client whose connections close after {@value #IDLE_TIMEOUT_SECONDS} s without a byte: a request
     * whose answer never comes then fails (and is counted as failed) instead of holding its closed loop, and the
     * phase, forever. One comparison run hung that way in a bare-endpoint phase.
     */
    private static HttpClient client(Vertx vertx, int port) {
        return vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
                .setKeepAlive(true).setIdleTimeout(IDLE_TIMEOUT_SECONDS), new PoolOptions().setHttp1MaxSize(128));
    }

    private static Result rename(Result result, String when) {
        return new Result(result.name() + ", " + when + " the HTTP phases", result.unit(), result.perSecond(),
                result.redisMicrosPerEvent(), result.eventsPerScriptCall(), result.serverMicrosPerEvent(),
                result.loadMicrosPerEvent());
    }

    /**
     * A server on loopback and the same four phases against it: closed-loop singles and batches, open-model
     * singles and batches. The gateway answers a single event 202 and a batch 200 with its accepted count;
     * the bare endpoint answers 202 to both, which counts every event a request carried.
     *
     * @param cpu Redis's counters when the server writes to Redis, else {@code null}
     */
    private record Target(String label, String key, HttpClient http, RedisCounters cpu, ProcessHandle server,
                          AtomicLong ids) {
        Target(String label, String key, HttpClient http, RedisCounters cpu, ProcessHandle server) {
            this(label, key, http, cpu, server, new AtomicLong());
        }

        /** Sends singles, then batches, for {@code serverWarmup} seconds each, and counts nothing. */
        void warmUp(Settings settings) throws InterruptedException {
            if (settings.serverWarmup() > 0) {
                System.out.printf("warming up %s for %d s of singles and %d s of batches%n", key,
                        settings.serverWarmup(), settings.serverWarmup());
                ClosedLoad.warmUp(settings.serverWarmup(), settings.singleInFlight(),
                        () -> post(http, "application/json", single(ids, key), 1));
                ClosedLoad.warmUp(settings.serverWarmup(), settings.batchInFlight(),
                        () -> post(http, "application/x-ndjson", batch(ids, key), BATCH_SIZE));
            }
        }

        Result closedSingles(Settings settings) throws InterruptedException {
            return ClosedLoad.measure(label + " single-event requests (" + settings.singleInFlight() + " in flight)",
                    "events/s", cpu, server, settings.warmup(), settings.seconds(), settings.singleInFlight(),
                    () -> post(http, "application/json", single(ids, key), 1));
        }

        Result closedBatches(Settings settings) throws InterruptedException {
            return ClosedLoad.measure(label + " NDJSON batches of " + BATCH_SIZE + " (" + settings.batchInFlight()
                    + " in flight)", "events/s", cpu, server, settings.warmup(), settings.seconds(), settings.batchInFlight(),
                    () -> post(http, "application/x-ndjson", batch(ids, key), BATCH_SIZE));
        }

        Latency openSingles(OpenHttpLoad open, Settings settings) throws Exception {
            return Latency.measure(String.format("%s single events, %,.0f requests/s", label, settings.singleRate()),
                    key + "-single", open, () -> post(http, "application/json", single(ids, key), 1),
                    settings.singleRate(), settings.latencySeconds());
        }

        Latency openBatches(OpenHttpLoad open, Settings settings) throws Exception {
            return Latency.measure(String.format("%s NDJSON batches of %d, %,.0f requests/s", label, BATCH_SIZE,
                    settings.batchRate()), key + "-batch", open,
                    () -> post(http, "application/x-ndjson", batch(ids, key), BATCH_SIZE),
                    settings.batchRate(), settings.latencySeconds());
        }
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

    /**
     * Posts a body to {@code /v1/stories} with the development producer key.
     *
     * @param events the events in the body
     * @return the events accepted: all of them on a 202, the {@code accepted} count of a batch's 200; fails
     *         on any other answer
     */
    static Future<Integer> post(HttpClient http, String contentType, String body, int events) {
        return http.request(HttpMethod.POST, "/v1/stories")
                .compose(request -> request.putHeader("Authorization", "Bearer " + BenchEvents.PRODUCER_KEY)
                        .putHeader("Content-Type", contentType).send(body))
                .compose(response -> response.body().map(buffer -> {
                    if (response.statusCode() == 202) {
                        return events;
                    }
                    if (response.statusCode() == 200 && contentType.endsWith("ndjson")) {
                        return buffer.toJsonObject().getInteger("accepted");
                    }
                    throw new IllegalStateException("status " + response.statusCode() + ": " + buffer);
                }));
    }

    private static String single(AtomicLong ids, String prefix) {
        long id = ids.incrementAndGet();
        return BenchEvents.event(prefix + "-s-" + id, "author-" + (id % 1000));
    }

    private static String batch(AtomicLong ids, String prefix) {
        StringBuilder body = new StringBuilder(BATCH_SIZE * 320);
        String createdAt = BenchEvents.createdASecondAgo();
        for (int i = 0; i < BATCH_SIZE; i++) {
            long id = ids.incrementAndGet();
            body.append(BenchEvents.event(prefix + "-b-" + id, "author-" + (id % 1000), createdAt)).append('\n');
        }
        return body.toString();
    }

    /**
     * One measured line.
     *
     * @param redisMicrosPerEvent Redis main-process CPU microseconds per event in the measured window; 0 when unknown
     * @param eventsPerScriptCall events per script call (EVALSHA) in the measured window; 0 when no script ran
     * @param serverMicrosPerEvent CPU microseconds per event of the server measured (gateway or bare endpoint); 0 when
     *                            there is none or it was not measured
     * @param loadMicrosPerEvent  CPU microseconds per event of the load-generating JVM (the client, for raw Redis
     *                            loops); 0 when not measured
     */
    record Result(String name, String unit, double perSecond, double redisMicrosPerEvent, double eventsPerScriptCall,
                  double serverMicrosPerEvent, double loadMicrosPerEvent) {
        /** A result without the other processes' CPU time (0: not measured). */
        Result(String name, String unit, double perSecond, double redisMicrosPerEvent, double eventsPerScriptCall) {
            this(name, unit, perSecond, redisMicrosPerEvent, eventsPerScriptCall, 0, 0);
        }

        JsonObject toJson() {
            return new JsonObject().put("name", name).put("unit", unit).put("perSecond", Math.round(perSecond))
                    .put("redisCpuMicrosPerEvent", Math.round(redisMicrosPerEvent * 10) / 10.0)
                    .put("serverCpuMicrosPerEvent", Math.round(serverMicrosPerEvent * 10) / 10.0)
                    .put("loadCpuMicrosPerEvent", Math.round(loadMicrosPerEvent * 10) / 10.0)
                    .put("eventsPerScriptCall", Math.round(eventsPerScriptCall * 10) / 10.0);
        }

        static JsonArray toJson(List<Result> results) {
            JsonArray array = new JsonArray();
            results.forEach(result -> array.add(result.toJson()));
            return array;
        }
    }

    /** @return the results with the reference first (the tables give every ratio to the first), the rest in order */
    static List<IngestComparison.Result> referenceFirst(Map<String, IngestComparison.Result> byKey, String reference) {
        List<IngestComparison.Result> results = new ArrayList<>();
        if (byKey.containsKey(reference)) {
            results.add(byKey.get(reference));
        }
        byKey.forEach((key, result) -> {
            if (!key.equals(reference)) {
                results.add(result);
            }
        });
        return results;
    }
}
