package io.storycast.bench;

import io.storycast.gateway.fanout.TargetProgress;
import io.storycast.gateway.metrics.StageRecorder;
import io.storycast.gateway.story.Audience;
import io.storycast.gateway.story.Platform;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Live delivery at 10,000 SSE connections beside 100, on one gateway process (the jar, as deployed) and one embedded
 * Redis: the same steady stream of stories, each to 100 connected followers (so pushes per second are equal), in
 * windows that alternate between 100 connections open and 10,000 (100, 10,000, 100, 10,000 by default), so the JIT,
 * the heap and this shared machine's load are alike for both sizes. The clients are Vert.x HTTP clients in this JVM,
 * one connection each; at 100 connections each follows every author, at 10,000 each author's followers are spread
 * over all of them.
 *
 * <ul>
 *   <li><b>tray → client</b>: from the {@code finishedAt} the story's record gets when its tray writes are confirmed
 *       (epoch ms, so a figure may read up to 1 ms high) to the client's parsing of the event (epoch µs). The fan-out
 *       hands the chunk to live delivery as the writes are confirmed, just before it stamps {@code finishedAt}.</li>
 *   <li><b>post → client</b>: from each story's intended send time (open model, {@link OpenStoryLoad}) to receipt.</li>
 *   <li><b>the gateway's stages</b> ({@code live.push}: publish → written to the socket; {@code e2e.push};
 *       {@code e2e.tray}) over the whole run, warm-up included.</li>
 *   <li><b>memory per connection</b>: the live heap after a full GC ({@code jcmd GC.class_histogram}), the native
 *       memory NMT counts as "Other" (Netty's direct buffers) and the resident set, with 10,000 connections open minus
 *       with none, per connection.</li>
 *   <li><b>CPU</b>: the gateway's CPU time per second of wall time, idle with the connections open (heartbeats, lease
 *       renewals) and in each window.</li>
 * </ul>
 *
 * <pre>bench/live-latency.sh [--connections 10000] [--baseline 100] [--rate 20] [--followers 100] [--seconds 20]
 *      [--warmup-seconds 15] [--rounds 2] [--gateway-jar gateway/target/storycast-gateway.jar]
 *      [--gateway-jvm-args "..."] [--out target/live-latency]</pre>
 * With {@code --registry-probe true} it measures instead what the fan-out's registry lookup costs Redis per subscriber
 * of a chunk, beside the tray write it follows ({@link #registryProbeCost}).
 *
 * <p>The script raises the open-file limit first (every connection is a descriptor here and in the gateway); or run
 * {@code java -cp bench/target/benchmarks.jar io.storycast.bench.LiveLatency} once {@code ulimit -n} allows
 * {@code connections + 2048}.
 */
public final class LiveLatency {
    private static final String SECRET = "live-latency-benchmark-secret-0123456789";
    /** A measured story's id: {@code w<window>-story-<number>} (OpenStoryLoad's naming); warm-up stories are not. */
    private static final Pattern STORY_ID = Pattern.compile("\"storyId\":\"w(\\d+)-story-(\\d+)\"");
    /** Authors per size, each with {@code --followers} connected followers. */
    private static final int AUTHORS = 100;
    private static final java.net.http.HttpClient MANAGEMENT = java.net.http.HttpClient.newHttpClient();

    private LiveLatency() {
    }

    /** One window's figures. */
    private record Window(int number, int connections, Histogram trayToClient, Histogram postToClient, long expected,
                          long received, double cores) {
    }

    /**
     * A gateway process's memory, bytes: live heap after a full GC, NMT "Other", resident set; and the live heap by
     * class (bytes), from the same histogram.
     */
    private record Memory(long heap, long nativeOther, long resident, Map<String, Long> byClass) {
        Memory minus(Memory other) {
            Map<String, Long> added = new HashMap<>(byClass);
            other.byClass.forEach((name, bytes) -> added.merge(name, -bytes, Long::sum));
            return new Memory(heap - other.heap, nativeOther - other.nativeOther, resident - other.resident, added);
        }
    }

    /** The gateway process under test, and how to reach it. */
    private record Target(int port, long pid, URI metrics) {
    }

    public static void main(String[] args) throws Exception {
        Arguments options = Arguments.parse(args);
        if (options.bool("registry-probe", false)) {
            options.requireKnown();
            registryProbeCost();
            return;
        }
        int connections = options.integer("connections", 10_000);
        int baseline = options.integer("baseline", 100);
        double rate = options.decimal("rate", 20);
        int followers = options.integer("followers", 100);
        double seconds = options.decimal("seconds", 20);
        double warmupSeconds = options.decimal("warmup-seconds", 15);
        int rounds = options.integer("rounds", 2);
        Path jar = options.path("gateway-jar", "gateway/target/storycast-gateway.jar");
        String jvmArgs = "-Xms768m -Xmx768m -XX:NativeMemoryTracking=summary " + options.string("gateway-jvm-args", "");
        Path out = options.path("out", "target/live-latency");
        options.requireKnown();
        Files.createDirectories(out);
        requireOpenFiles(connections + 2048);
        if (followers > baseline) {
            throw new IllegalArgumentException("--followers must not exceed --baseline: every follower is connected");
        }

        Vertx vertx = Vertx.vertx();
        List<Window> windows = new ArrayList<>();
        List<String> report = new ArrayList<>();
        try (BenchRedis redisServer = BenchRedis.start("storycast-live-latency-redis")) {
            Redis redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(redisServer.url())
                    .setMaxPoolSize(4).setMaxPoolWaiting(1024).setMaxWaitingHandlers(65_536));
            JWTAuth tokens = JWTAuth.create(vertx, new JWTAuthOptions()
                    .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(SECRET)));
            // Each size has its own authors: at the baseline every author is followed by all its connections; at the
            // full size each author's followers are spread over every connection.
            List<String> fewAuthors = seedAuthors(redis, "few", baseline, followers);
            List<String> manyAuthors = seedAuthors(redis, "many", connections, followers);
            Map<String, String> environment = new HashMap<>(Map.of(
                    "STORYCAST_REDIS_URL", redisServer.url(),
                    "STORYCAST_HTTP_PORT", "0",
                    "STORYCAST_FANOUT_OUTBOX_THRESHOLD", "1000000000",
                    "STORYCAST_LIVE_TOKEN_SECRET", SECRET,
                    "STORYCAST_LIVE_MAX_CONNECTIONS", Integer.toString(connections + 100),
                    // A pause of this shared machine should show as latency, not end the run with a 503.
                    "STORYCAST_REDIS_COMMAND_TIMEOUT_MILLIS", "5000"));
            try (GatewayProcess gateway = GatewayProcess.start(jar, jvmArgs, environment, out.resolve("gateway.log"))) {
                Target target = new Target(gateway.port(), gateway.handle().pid(),
                        URI.create("http://127.0.0.1:" + gateway.metricsPort()));
                ConcurrentLinkedQueue<long[]> receipts = new ConcurrentLinkedQueue<>();
                HttpClient producer = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
                        .setDefaultPort(target.port()), new PoolOptions().setHttp1MaxSize(64));
                OpenStoryLoad load = new OpenStoryLoad(vertx, producer);

                Memory none = memory(target.pid());
                HttpClient baseClients = connect(vertx, tokens, target.port(), 0, baseline, receipts);
                Memory few = memory(target.pid());
                double fewIdleCores = idleCores(target.pid());
                load.run("warm", fewAuthors, rate, warmupSeconds, () -> true);
                Memory full = null;
                double fullIdleCores = 0;
                int number = 0;
                for (int round = 1; round <= rounds; round++) {
                    windows.add(window(++number, baseline, fewAuthors, load, redis, receipts, target, rate, seconds, followers));
                    HttpClient rest = connect(vertx, tokens, target.port(), baseline, connections, receipts);
                    if (full == null) {
                        full = memory(target.pid());
                        fullIdleCores = idleCores(target.pid());
                    }
                    windows.add(window(++number, connections, manyAuthors, load, redis, receipts, target, rate, seconds,
                            followers));
                    rest.close().await(60, TimeUnit.SECONDS);
                    awaitConnections(target, baseline); // the 9,900 closes handled before the next window starts
                }
                JsonObject stages = new JsonObject(get(target.metrics().resolve("/v1/stats/latency"))).getJsonObject("stages");
                String scrape = get(target.metrics().resolve("/metrics"));
                report.addAll(report(windows, rate, followers, seconds, stages, scrape));
                report.addAll(memoryReport(baseline, connections, none, few, full, fewIdleCores, fullIdleCores));
                report.addAll(heapByClass(connections, full.minus(none)));
                producer.close();
                baseClients.close();
            }
        } finally {
            vertx.close().await();
        }
        Files.write(out.resolve("live-latency.md"), report);
        report.forEach(System.out::println);
    }

    /**
     * Redis's CPU per chunk member (from {@code INFO cpu}) of: the tray write ({@code ZADD}, 1,000 per batch, into a key
     * space of 600,000 trays), the registry probe as the fan-out sends it ({@code SMISMEMBER} of a shard's set, 16 per
     * chunk of 1,000) against sets of 100 and of 10,000 connected subscribers, and, for comparison, an {@code MGET} of
     * every member's own registry key (the first design). Three rounds of 300 chunks each.
     */
    private static void registryProbeCost() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (BenchRedis server = BenchRedis.start("storycast-registry-probe");
             RedisCounters counters = new RedisCounters(vertx, server)) {
            Redis redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(server.url())
                    .setMaxWaitingHandlers(100_000));
            for (int from = 0; from < 600_000; from += 10_000) {
                List<Request> trays = new ArrayList<>();
                for (int i = from; i < from + 10_000; i++) {
                    trays.add(Request.cmd(Command.ZADD).arg(String.format("{storycast:tray:instagram:u%07d}", i)).arg(1).arg("instagram:s"));
                }
                redis.batch(trays).await(60, TimeUnit.SECONDS);
            }
            for (int shard = 0; shard < 16; shard++) {
                for (int size : new int[] {100, 10_000}) {
                    for (int from = 0; from < size; from += 1000) {
                        Request add = Request.cmd(Command.SADD).arg("{storycast:live:" + shard + "}:instagram-" + size);
                        for (int i = from; i < Math.min(size, from + 1000); i++) {
                            add.arg("c" + shard + "-" + i);
                        }
                        redis.send(add).await(30, TimeUnit.SECONDS);
                    }
                }
            }
            java.util.Random random = new java.util.Random(1);
            for (int round = 1; round <= 3; round++) {
                for (String mode : List.of("ZADD (tray write)", "SMISMEMBER, sets of 100", "SMISMEMBER, sets of 10,000",
                        "MGET of each member's key")) {
                    RedisCounters.Snapshot before = counters.read();
                    for (int chunk = 0; chunk < 300; chunk++) {
                        List<Request> batch = new ArrayList<>();
                        if (mode.startsWith("ZADD")) {
                            for (int i = 0; i < 1000; i++) {
                                batch.add(Request.cmd(Command.ZADD).arg(String.format("{storycast:tray:instagram:u%07d}",
                                        random.nextInt(600_000))).arg(2).arg("instagram:s" + chunk));
                            }
                        } else {
                            for (int shard = 0; shard < 16; shard++) {
                                Request probe = mode.startsWith("MGET") ? Request.cmd(Command.MGET)
                                        : Request.cmd(Command.SMISMEMBER).arg("{storycast:live:" + shard + "}:instagram-"
                                        + (mode.contains("10,000") ? 10_000 : 100));
                                for (int i = 0; i < 1000 / 16; i++) {
                                    String member = String.format("u%07d", random.nextInt(600_000));
                                    probe.arg(mode.startsWith("MGET") ? "{storycast:live:" + shard + "}:instagram:" + member : member);
                                }
                                batch.add(probe);
                            }
                        }
                        redis.batch(batch).await(60, TimeUnit.SECONDS);
                    }
                    double perMember = counters.read().cpuMicrosPerEvent(before, 300L * (mode.startsWith("ZADD") ? 1000 : 992));
                    System.out.printf("round %d: %-28s %.2f µs of Redis CPU per chunk member%n", round, mode, perMember);
                }
            }
        } finally {
            vertx.close().await();
        }
    }

    /** Seeds {@value #AUTHORS} authors whose followers are subscribers {@code s-0 .. s-(connections - 1)}, spread evenly. */
    private static List<String> seedAuthors(Redis redis, String name, int connections, int followers) throws Exception {
        List<String> authors = new ArrayList<>();
        for (int a = 0; a < AUTHORS; a++) {
            String author = name + "-author-" + a;
            Request zadd = Request.cmd(Command.ZADD).arg(BenchEvents.KEYS.audience(Platform.INSTAGRAM, author, Audience.DEFAULT));
            for (int f = 0; f < followers; f++) {
                zadd.arg(0).arg("s-" + ((a * followers + f) % connections));
            }
            redis.send(zadd).await(30, TimeUnit.SECONDS);
            authors.add(author);
        }
        return authors;
    }

    /** Runs the story stream for one window and measures every push of it. */
    private static Window window(int number, int connections, List<String> authors, OpenStoryLoad load, Redis redis,
                                 ConcurrentLinkedQueue<long[]> receipts, Target target, double rate, double seconds,
                                 int followers) throws Exception {
        String prefix = "w" + number + "-story";
        receipts.clear();
        long cpuStart = cpuNanos(target.pid());
        long wallStart = System.nanoTime();
        // OpenStoryLoad names story i "<prefix>-<i>": a receipt names its story.
        List<OpenStoryLoad.SentStory> stories = load.run(prefix, authors, rate, seconds, () -> true).accepted();
        double cores = (double) (cpuNanos(target.pid()) - cpuStart) / (System.nanoTime() - wallStart);
        long expected = (long) stories.size() * followers;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (measured(receipts, prefix) < expected && System.nanoTime() < deadline) {
            Thread.sleep(100); // waiting for the last pushes to land; every latency comes from its own time stamps
        }
        Map<String, Long> finishedAt = finishedAt(redis, stories);
        Map<String, OpenStoryLoad.SentStory> byId = new HashMap<>();
        stories.forEach(sent -> byId.put(sent.storyId(), sent));
        Histogram trayToClient = new Histogram(3_600_000_000L, 3);
        Histogram postToClient = new Histogram(3_600_000_000L, 3);
        long received = 0;
        long unmatched = 0;
        for (long[] receipt : receipts) {
            if (receipt[0] != number) {
                continue;
            }
            // Matched by story id: the accepted stories come in the order their answers came, not the order sent.
            String storyId = prefix + "-" + receipt[1];
            OpenStoryLoad.SentStory sent = byId.get(storyId);
            Long finished = finishedAt.get(storyId);
            if (sent == null || finished == null) {
                unmatched++; // a push of a story refused, or not finished: no time to measure it from
                continue;
            }
            received++;
            trayToClient.recordValue(Math.max(0, receipt[2] - finished * 1000));
            postToClient.recordValue(Math.max(0, receipt[2] - Math.round(sent.intendedEpochMillis() * 1000)));
        }
        if (unmatched > 0) {
            System.out.printf("window %d: %,d pushes of stories with no accepted post or no finishedAt, not timed%n",
                    number, unmatched);
        }
        System.out.printf("window %d, %,d connections: %,d of %,d pushes%n", number, connections, received, expected);
        return new Window(number, connections, trayToClient, postToClient, expected, received, cores);
    }

    private static long measured(ConcurrentLinkedQueue<long[]> receipts, String prefix) {
        int number = Integer.parseInt(prefix.substring(1, prefix.indexOf('-')));
        return receipts.stream().filter(receipt -> receipt[0] == number).count();
    }

    /**
     * Opens SSE streams for subscribers {@code s-from .. s-(to - 1)}, 256 at a time, on a client of their own (closing
     * it closes them); each story received is recorded as {window, story number, epoch µs}.
     */
    private static HttpClient connect(Vertx vertx, JWTAuth tokens, int port, int from, int to,
                                      ConcurrentLinkedQueue<long[]> receipts) throws Exception {
        HttpClient clients = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(to - from + 16).setMaxWaitQueueSize(-1));
        int inFlight = 256;
        for (int start = from; start < to; start += inFlight) {
            List<Future<Void>> opened = new ArrayList<>();
            for (int i = start; i < Math.min(to, start + inFlight); i++) {
                String subscriber = "s-" + i;
                String token = tokens.generateToken(new JsonObject().put("sub", subscriber).put("platform", "instagram"),
                        new JWTOptions().setExpiresInSeconds(3600));
                opened.add(open(clients, port, subscriber, token, receipts)
                        .recover(failed -> open(clients, port, subscriber, token, receipts))); // once more on a busy machine
            }
            Future.all(opened).await(120, TimeUnit.SECONDS);
        }
        return clients;
    }

    private static Future<Void> open(HttpClient clients, int port, String subscriber, String token,
                                     ConcurrentLinkedQueue<long[]> receipts) {
        return clients.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port)
                        .setURI("/v1/live/instagram/" + subscriber).putHeader("Authorization", "Bearer " + token))
                .compose(request -> request.send())
                .compose(response -> {
                    if (response.statusCode() != 200) {
                        return Future.failedFuture("connection " + subscriber + " answered " + response.statusCode());
                    }
                    StringBuilder pending = new StringBuilder();
                    response.handler(chunk -> received(chunk, pending, receipts));
                    return Future.succeededFuture();
                });
    }

    /** Parses whole events out of what arrived and records each story's receipt ({@code w<n>-story-<i>} ids only). */
    private static void received(Buffer chunk, StringBuilder pending, ConcurrentLinkedQueue<long[]> receipts) {
        long at = StageRecorder.epochMicros();
        pending.append(chunk.toString(StandardCharsets.UTF_8));
        int end;
        while ((end = pending.indexOf("\n\n")) >= 0) {
            Matcher story = STORY_ID.matcher(pending.substring(0, end));
            pending.delete(0, end + 2);
            if (story.find()) {
                receipts.add(new long[] {Long.parseLong(story.group(1)), Long.parseLong(story.group(2)), at});
            }
        }
    }

    /** @return each story's {@code finishedAt} (epoch ms) by story id; a story not finished is absent */
    private static Map<String, Long> finishedAt(Redis redis, List<OpenStoryLoad.SentStory> stories) throws Exception {
        Map<String, Long> finished = new HashMap<>();
        for (int from = 0; from < stories.size(); from += 500) {
            List<OpenStoryLoad.SentStory> slice = stories.subList(from, Math.min(stories.size(), from + 500));
            List<Request> reads = new ArrayList<>();
            for (OpenStoryLoad.SentStory sent : slice) {
                reads.add(Request.cmd(Command.HGET).arg(BenchEvents.KEYS.story(Platform.INSTAGRAM, sent.storyId()))
                        .arg(TargetProgress.finishedAtField(Platform.INSTAGRAM)));
            }
            List<Response> answers = redis.batch(reads).await(30, TimeUnit.SECONDS);
            for (int i = 0; i < answers.size(); i++) {
                if (answers.get(i) != null) {
                    finished.put(slice.get(i).storyId(), answers.get(i).toLong());
                }
            }
        }
        return finished;
    }

    /**
     * @return the gateway's live heap (the total of {@code jcmd GC.class_histogram}, taken after the full GC it
     *         starts: objects only, no garbage), NMT's "Other" (memory allocated outside the heap through Unsafe:
     *         Netty's direct buffers) and the resident set from /proc
     */
    private static Memory memory(long pid) throws Exception {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        String histogram = run(jcmd, Long.toString(pid), "GC.class_histogram");
        Matcher total = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)").matcher(histogram);
        long heap = total.find() ? Long.parseLong(total.group(1)) : -1;
        Map<String, Long> byClass = new HashMap<>();
        Matcher row = Pattern.compile("(?m)^\\s*\\d+:\\s+\\d+\\s+(\\d+)\\s+(\\S+)").matcher(histogram);
        while (row.find()) {
            byClass.merge(row.group(2), Long.parseLong(row.group(1)), Long::sum);
        }
        Matcher other = Pattern.compile("-\\s+Other \\(reserved=(\\d+)KB, committed=(\\d+)KB\\)")
                .matcher(run(jcmd, Long.toString(pid), "VM.native_memory", "summary"));
        long nativeOther = other.find() ? Long.parseLong(other.group(2)) * 1024 : -1;
        Matcher rss = Pattern.compile("VmRSS:\\s+(\\d+) kB").matcher(Files.readString(Path.of("/proc/" + pid + "/status")));
        long resident = rss.find() ? Long.parseLong(rss.group(1)) * 1024 : -1;
        return new Memory(heap, nativeOther, resident, byClass);
    }

    /** Waits until the gateway counts {@code open} live connections (it sees closes a moment after they happen). */
    private static void awaitConnections(Target target, int open) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (sumOf(get(target.metrics().resolve("/metrics")), "storycast_live_connections{") != open) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the gateway did not come back to " + open + " live connections");
            }
            Thread.sleep(100); // polling the gauge
        }
    }

    /** @return the gateway's CPU use over 5 s with nothing sent, in cores */
    private static double idleCores(long pid) throws Exception {
        long cpuStart = cpuNanos(pid);
        long wallStart = System.nanoTime();
        Thread.sleep(5000); // a window of the gateway's own CPU time, measured from /proc
        return (double) (cpuNanos(pid) - cpuStart) / (System.nanoTime() - wallStart);
    }

    /** @return the CPU time the process has used, user and system, ns (from /proc: clock ticks of 10 ms) */
    private static long cpuNanos(long pid) throws IOException {
        String[] fields = Files.readString(Path.of("/proc/" + pid + "/stat")).replaceFirst("^.*\\) ", "").split(" ");
        // After "(comm) ": state is field 3 of proc(5), so utime (14) and stime (15) sit at 11 and 12 here.
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10_000_000L;
    }

    /** @return the sum of every sample of a metric whose line starts with {@code prefix} */
    private static double sumOf(String scrape, String prefix) {
        return scrape.lines().filter(line -> line.startsWith(prefix))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
        return output;
    }

    private static String get(URI uri) throws Exception {
        return MANAGEMENT.send(java.net.http.HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString())
                .body();
    }

    /** Fails early, with the fix, when this process may not open a descriptor per connection (the gateway inherits it). */
    private static void requireOpenFiles(long needed) throws IOException {
        Matcher limit = Pattern.compile("Max open files\\s+(\\d+|unlimited)").matcher(Files.readString(Path.of("/proc/self/limits")));
        if (limit.find() && !"unlimited".equals(limit.group(1)) && Long.parseLong(limit.group(1)) < needed) {
            throw new IllegalStateException("the open-file limit is " + limit.group(1) + ", below the " + needed
                    + " this run needs: run bench/live-latency.sh, or 'ulimit -n " + needed + "' first");
        }
    }

    private static List<String> report(List<Window> windows, double rate, int followers, double seconds, JsonObject stages,
                                       String scrape) {
        List<String> lines = new ArrayList<>();
        lines.add("# Live delivery: " + LocalDate.now() + ", " + rate + " stories/s for " + seconds + " s per window, each to "
                + followers + " connected followers");
        lines.add("");
        lines.add("| window | connections | pushes received / expected | tray → client p50 / p90 / p99 / max (ms) "
                + "| post → client p50 / p99 (ms) | gateway CPU (cores) |");
        lines.add("|---|---|---|---|---|---|");
        Map<Integer, Histogram> bySize = new HashMap<>();
        for (Window window : windows) {
            bySize.computeIfAbsent(window.connections(), size -> new Histogram(3_600_000_000L, 3)).add(window.trayToClient());
            lines.add(String.format("| %d | %,d | %,d / %,d | %.1f / %.1f / %.1f / %.1f | %.1f / %.1f | %.2f |",
                    window.number(), window.connections(), window.received(), window.expected(),
                    ms(window.trayToClient(), 50), ms(window.trayToClient(), 90), ms(window.trayToClient(), 99),
                    window.trayToClient().getMaxValue() / 1000.0, ms(window.postToClient(), 50),
                    ms(window.postToClient(), 99), window.cores()));
        }
        lines.add("");
        for (int i = 0; i + 1 < windows.size(); i += 2) {
            lines.add(String.format("windows %d and %d: tray → client at %,d connections / at %,d: p50 %.2f, p99 %.2f",
                    windows.get(i).number(), windows.get(i + 1).number(), windows.get(i + 1).connections(),
                    windows.get(i).connections(), ratio(windows.get(i + 1).trayToClient(), windows.get(i).trayToClient(), 50),
                    ratio(windows.get(i + 1).trayToClient(), windows.get(i).trayToClient(), 99)));
            lines.add("");
        }
        Histogram small = bySize.get(windows.get(0).connections());
        Histogram large = bySize.get(windows.get(1).connections());
        lines.add(String.format("all windows: tray → client at %,d connections / at %,d: p50 **%.2f**, p99 **%.2f**",
                windows.get(1).connections(), windows.get(0).connections(), ratio(large, small, 50), ratio(large, small, 99)));
        lines.add("");
        lines.add("The gateway's stages over the whole run (warm-up included), ms: " + stage(stages, "live.push") + "; "
                + stage(stages, "e2e.push") + "; " + stage(stages, "e2e.tray") + ". Cut-offs: "
                + (long) sumOf(scrape, "storycast_live_cutoffs_total") + "; publish failures: "
                + (long) sumOf(scrape, "storycast_live_publish_failures_total") + ".");
        return lines;
    }

    private static List<String> memoryReport(int baseline, int connections, Memory none, Memory few, Memory full,
                                             double fewIdleCores, double fullIdleCores) {
        List<String> lines = new ArrayList<>();
        lines.add("");
        lines.add("| connections open | heap / connection | native (NMT Other) / connection | resident / connection "
                + "| gateway CPU with no story (cores) |");
        lines.add("|---|---|---|---|---|");
        for (Object[] row : new Object[][] {{baseline, few, fewIdleCores}, {connections, full, fullIdleCores}}) {
            int open = (int) row[0];
            Memory added = ((Memory) row[1]).minus(none);
            lines.add(String.format("| %,d | %,.0f B | %,.0f B | %,.0f B | %.2f |", open, (double) added.heap() / open,
                    (double) added.nativeOther() / open, (double) added.resident() / open, (double) row[2]));
        }
        return lines;
    }

    /** @return the classes that grew most with the connections open, per connection */
    private static List<String> heapByClass(int connections, Memory added) {
        List<String> lines = new ArrayList<>();
        lines.add("");
        lines.add("Live heap per connection by class, the 15 that grew most (" + String.format("%,d", connections)
                + " connections open minus none):");
        lines.add("");
        lines.add("| class | bytes / connection |");
        lines.add("|---|---|");
        added.byClass().entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(15)
                .forEach(entry -> lines.add(String.format("| `%s` | %,.0f |", entry.getKey(),
                        (double) entry.getValue() / connections)));
        return lines;
    }

    private static String stage(JsonObject stages, String name) {
        JsonObject since = stages.getJsonObject(name).getJsonObject("sinceStart");
        return String.format("%s p50 %.2f, p99 %.2f (%,d samples)", name, since.getLong("p50") / 1000.0,
                since.getLong("p99") / 1000.0, since.getLong("count"));
    }

    private static double ms(Histogram histogram, double percentile) {
        return histogram.getValueAtPercentile(percentile) / 1000.0;
    }

    private static double ratio(Histogram large, Histogram small, double percentile) {
        return (double) large.getValueAtPercentile(percentile) / Math.max(1, small.getValueAtPercentile(percentile));
    }
}
