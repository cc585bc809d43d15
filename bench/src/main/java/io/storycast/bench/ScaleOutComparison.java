package io.storycast.bench;

import io.storycast.gateway.story.Platform;
import io.storycast.gateway.fanout.TargetProgress;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Fan-out throughput of one gateway against two on the same 3-master Redis Cluster, on this machine, as a ratio.
 * The cluster is the embedded one ({@link BenchRedis#startCluster}); each gateway is the fat jar in its own JVM, in
 * cluster mode. {@code --authors} authors share the same {@code --followers} followers (seeded straight into
 * the cluster), so every story writes that many trays. A round starts N gateways, warms them up with one story
 * per author (not timed), then posts one story per author, one request after the other, and times from the
 * first post to the last {@code finishedAt} of their records: tray writes per second. Rounds run in the order
 * 1, 2, 2, 1 gateways (repeated {@code --repeats} times), so trays that fill up over the run weigh on both sides
 * alike; the ratio is of the medians. It also reports the CPU each part used during the timed burst (gateway JVMs, Redis masters, this
 * process), against the machine's cores, which tells what limits the rate.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.storycast.bench.ScaleOutComparison [--authors 48]
 *      [--followers 20000] [--repeats 1] [--gateway-jar gateway/target/storycast-gateway.jar]
 *      [--gateway-jvm-args "-Xmx512m"] [--out target/scale-out-comparison]</pre>
 * An option it does not know stops it before it starts.
 */
public final class ScaleOutComparison {
    private static final String FOLLOWER_PREFIX = "sf";

    private final Vertx vertx;
    private final Redis cluster;
    private final BenchRedis servers;
    private final RedisCounters redisCpu;
    private final Path jar;
    private final String jvmArguments;
    private final Path out;
    private final int authors;
    private final int followers;
    private int storySequence;

    private ScaleOutComparison(Vertx vertx, BenchRedis servers, Path jar, String jvmArguments, Path out,
                               int authors, int followers) {
        this.vertx = vertx;
        this.servers = servers;
        this.jar = jar;
        this.jvmArguments = jvmArguments;
        this.out = out;
        this.authors = authors;
        this.followers = followers;
        RedisOptions options = new RedisOptions().setType(RedisClientType.CLUSTER).setMaxPoolSize(8).setMaxPoolWaiting(1024);
        servers.nodeUrls().forEach(options::addConnectionString);
        this.cluster = Redis.createClient(vertx, options);
        this.redisCpu = new RedisCounters(vertx, servers);
    }

    public static void main(String[] args) throws Exception {
        Arguments options = Arguments.parse(args);
        int authors = options.integer("authors", 48);
        int followers = options.integer("followers", 20_000);
        int repeats = options.integer("repeats", 1);
        Path jar = options.path("gateway-jar", "gateway/target/storycast-gateway.jar");
        String jvmArguments = options.string("gateway-jvm-args", "-Xmx512m");
        Path out = options.path("out", "target/scale-out-comparison");
        options.requireKnown();
        Files.createDirectories(out);

        List<IngestComparison.Result> oneGateway = new ArrayList<>();
        List<IngestComparison.Result> twoGateways = new ArrayList<>();
        Vertx vertx = Vertx.vertx();
        try (BenchRedis servers = BenchRedis.startCluster("storycast-scale-out-redis", 3)) {
            ScaleOutComparison comparison = new ScaleOutComparison(vertx, servers, jar, jvmArguments, out, authors, followers);
            comparison.seed();
            for (int repeat = 0; repeat < repeats; repeat++) {
                for (int gateways : List.of(1, 2, 2, 1)) {
                    (gateways == 1 ? oneGateway : twoGateways).add(comparison.round(gateways));
                }
            }
        } finally {
            vertx.close().await();
        }
        List<IngestComparison.Result> results = new ArrayList<>();
        results.add(median("1 gateway, median of " + oneGateway.size() + " rounds", oneGateway));
        results.add(median("2 gateways, median of " + twoGateways.size() + " rounds", twoGateways));
        results.addAll(oneGateway);
        results.addAll(twoGateways);
        Report.write(results, out, LocalDate.now().toString(), "scale-out-comparison", "tray writes/s",
                "1 gateway (median)");
    }

    /** Every author's audience: the same followers, seeded straight into the cluster (not measured). */
    private void seed() throws Exception {
        for (int author = 0; author < authors; author++) {
            FanoutComparison.seedAudience(cluster, author(author), FOLLOWER_PREFIX, followers);
        }
        System.out.printf("seeded %d authors with the same %,d followers on a 3-master cluster%n", authors, followers);
    }

    private IngestComparison.Result round(int gateways) throws Exception {
        List<GatewayProcess> processes = new ArrayList<>();
        try {
            for (int g = 0; g < gateways; g++) {
                processes.add(GatewayProcess.start(jar, jvmArguments, Map.of(
                        "STORYCAST_REDIS_MODE", "cluster",
                        "STORYCAST_REDIS_URL", servers.url(),
                        "STORYCAST_HTTP_PORT", "0",
                        // Every story is pushed into every tray: that is the fan-out measured.
                        "STORYCAST_FANOUT_OUTBOX_THRESHOLD", "1000000000",
                        // On a starved CPU a 1 s command timeout fires, and the chunk is retried only after
                        // fanout.claimIdleMillis (30 s): the round would measure the retry, not the throughput.
                        "STORYCAST_REDIS_COMMAND_TIMEOUT_MILLIS", "10000"),
                        out.resolve("gateway-" + gateways + "-" + g + ".log")));
            }
            HttpClient http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
                    .setDefaultPort(processes.get(0).port()));
            burst(http); // warm-up: JIT, connections, first trays; not timed
            CpuSnapshot before = CpuSnapshot.take(processes, redisCpu);
            long started = System.currentTimeMillis();
            long finished = burst(http);
            CpuSnapshot after = CpuSnapshot.take(processes, redisCpu);
            http.close();
            double seconds = (finished - started) / 1000.0;
            double writes = (double) authors * followers;
            String split = after.since(before, seconds);
            IngestComparison.Result result = new IngestComparison.Result(String.format(
                    "%d gateway%s, %d stories x %,d followers (%.2f s; %s)", gateways, gateways == 1 ? "" : "s",
                    authors, followers, seconds, split), "tray writes/s", writes / seconds,
                    after.redisMicros(before) / writes, 0);
            System.out.printf("%-110s %,12.0f tray writes/s%n", result.name(), result.perSecond());
            return result;
        } finally {
            processes.forEach(GatewayProcess::close);
        }
    }

    /** Posts one story per author, one after the other, and waits until every one is done; @return the last finishedAt */
    private long burst(HttpClient http) throws Exception {
        List<String> keys = new ArrayList<>(authors);
        for (int author = 0; author < authors; author++) {
            String storyId = "scale-out-" + (++storySequence);
            int status = BenchEvents.post(http, BenchEvents.event(storyId, author(author))).await(30, TimeUnit.SECONDS);
            if (status != 202) {
                throw new IllegalStateException("story " + storyId + " was answered " + status);
            }
            keys.add(BenchEvents.KEYS.story(Platform.INSTAGRAM, storyId));
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        long last = 0;
        for (String key : keys) {
            while (true) {
                Response state = cluster.send(Request.cmd(Command.HMGET).arg(key).arg(TargetProgress.stateField(Platform.INSTAGRAM))
                        .arg(TargetProgress.finishedAtField(Platform.INSTAGRAM)).arg(TargetProgress.writtenField(Platform.INSTAGRAM))).await(10, TimeUnit.SECONDS);
                if (state.get(0) != null && "done".equals(state.get(0).toString())) {
                    if (state.get(2).toLong() != followers) {
                        throw new IllegalStateException(key + " wrote " + state.get(2) + " trays, not " + followers);
                    }
                    last = Math.max(last, state.get(1).toLong());
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(key + " did not finish within 10 minutes");
                }
                Thread.sleep(20); // sampling the state; the timing comes from finishedAt
            }
        }
        return last;
    }

    private static String author(int index) {
        return "scale-out-author-" + index;
    }

    /** The median round by rate (the mean of the two middle ones for an even count): one stalled round does not move it. */
    private static IngestComparison.Result median(String name, List<IngestComparison.Result> rounds) {
        List<IngestComparison.Result> sorted = rounds.stream()
                .sorted(java.util.Comparator.comparingDouble(IngestComparison.Result::perSecond)).toList();
        IngestComparison.Result low = sorted.get((sorted.size() - 1) / 2);
        IngestComparison.Result high = sorted.get(sorted.size() / 2);
        return new IngestComparison.Result(name, "tray writes/s", (low.perSecond() + high.perSecond()) / 2,
                (low.redisMicrosPerEvent() + high.redisMicrosPerEvent()) / 2, 0);
    }

    /** CPU time so far of each part: the gateway JVMs this comparison started, the Redis masters, this process. */
    private record CpuSnapshot(long gatewayNanos, long redisMicros, long selfNanos) {
        static CpuSnapshot take(List<GatewayProcess> gateways, RedisCounters redis) {
            long gatewayNanos = gateways.stream().mapToLong(gateway -> cpuNanos(gateway.handle())).sum();
            long redisMicros = Math.round(redis.read().cpuSeconds() * 1_000_000);
            return new CpuSnapshot(gatewayNanos, redisMicros, cpuNanos(ProcessHandle.current()));
        }

        private static long cpuNanos(ProcessHandle process) {
            return process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
        }

        long redisMicros(CpuSnapshot before) {
            return redisMicros - before.redisMicros;
        }

        /** @return the cores each part kept busy on average over the burst, e.g. "gateways 1.21, Redis 0.64, load 0.08 of 2 cores" */
        String since(CpuSnapshot before, double seconds) {
            return String.format("CPU: gateways %.2f, Redis %.2f, load %.2f of %d cores",
                    (gatewayNanos - before.gatewayNanos) / 1e9 / seconds,
                    (redisMicros - before.redisMicros) / 1e6 / seconds,
                    (selfNanos - before.selfNanos) / 1e9 / seconds, Runtime.getRuntime().availableProcessors());
        }
    }
}
