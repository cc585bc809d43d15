package io.storycast.ops;

import io.storycast.gateway.config.RedisConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The local multi-node stack ({@code ops/local-stack/start.sh}: a 3-master Redis Cluster, two gateways, HAProxy)
 * takes a burst of stories through the load balancer; one gateway is killed with SIGKILL while it holds
 * stories in fan-out; every story the stack acknowledged ("accepted" or "duplicate" in a batch's results)
 * reaches every tray it belongs in, and no story reaches a tray it does not belong in. SIGTERM (which the script
 * handles as Ctrl-C) then stops the stack and leaves no process behind. Needs Debian's haproxy: tag {@code ops-tools}, profile with-ops-tools.
 */
@Tag("ops-tools")
class ScaleOutTest {
    private static final String KEY = "storycast-dev-key"; // the default producer, reader and admin
    private static final int STORIES = 3000;
    private static final int PARTITIONS = 16; // ingest.streamPartitions's default
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void everyAcknowledgedStoryReachesEveryTrayItBelongsInAfterAGatewayIsKilledMidBurst() throws Exception {
        Path folder = Files.createTempDirectory("storycast-scale-out");
        ScaleOutPlan plan = new ScaleOutPlan("so" + Long.toString(System.nanoTime() % 1_000_000, 36));
        Vertx vertx = Vertx.vertx();
        try (LocalStack stack = LocalStack.start(folder.resolve("stack"), 2, Map.of(
                "STORYCAST_FANOUT_AWAIT_MEDIA", "false", // the stories name media nobody uploads
                // A killed gateway's entries are taken over after fanout.claimIdleMillis: 5 s instead of 30 s.
                "STORYCAST_FANOUT_CLAIM_IDLE_MILLIS", "5000",
                "STORYCAST_FANOUT_CLAIM_INTERVAL_MILLIS", "1000",
                "STORYCAST_METRICS_INTERVAL_MILLIS", "500",
                "STORYCAST_SHUTDOWN_DRAIN_TIMEOUT_SECONDS", "5",
                "STACK_GATEWAY_JVM_OPTS", "-Xmx384m -XX:MaxDirectMemorySize=256m"))) {
            RedisOptions options = new RedisOptions().setType(RedisClientType.CLUSTER);
            RedisConfig.seedUrls(stack.redisUrl()).forEach(options::addConnectionString);
            Redis redis = Redis.createClient(vertx, options);
            setUpAudiences(stack, plan);

            StoryBurst burst = StoryBurst.start(HTTP, URI.create(stack.lbUrl() + "/v1/stories"), KEY, plan, STORIES);
            // SIGKILL the second gateway once a quarter of the burst is out and it holds entries in fan-out.
            long victim = stack.gatewayPid(2);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> {
                assertThat(burst.done()).as("the burst ended before gateway-2 held a story in fan-out").isFalse();
                return burst.sentBatches() >= burst.batches() / 4 && pendingOf(redis, victim) > 0;
            });
            long heldAtKill = pendingOf(redis, victim);
            stack.killGateway(2);
            StoryBurst.Outcome outcome = burst.await(Duration.ofMinutes(2));
            System.out.printf("scale-out: gateway-2 killed holding %d entries; %d of %d stories acknowledged, "
                    + "%d requests sent again after a closed connection, %d failed (%s)%n", heldAtKill,
                    outcome.acknowledged().size(), STORIES, outcome.resent(), outcome.failedRequests(), outcome.failures());
            // What HAProxy answered other than 2xx (a request the client saw fail, or one it retried elsewhere).
            stack.log("haproxy").stream().filter(line -> line.contains("/v1/stories") && !line.matches(".* 20[02] .* ---- .*"))
                    .forEach(line -> System.out.println("scale-out: haproxy: " + line));
            assertThat(outcome.acknowledged()).hasSizeGreaterThan(STORIES * 3 / 4);

            // Done: every stream read and acknowledged (the killed gateway's entries taken over), no dead letter.
            long drainStart = System.nanoTime();
            try {
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                    JsonObject streams = new JsonObject(get(URI.create(stack.metricsUrl(1) + "/v1/stats/streams")).body());
                    assertThat(streams.getJsonArray("partitions")).hasSize(PARTITIONS).allSatisfy(partition -> {
                        assertThat(((JsonObject) partition).getLong("lag")).isZero();
                        assertThat(((JsonObject) partition).getLong("pending")).isZero();
                    });
                });
            } catch (ConditionTimeoutException e) {
                printPending(redis);
                throw e;
            }
            System.out.printf("scale-out: streams drained %.1f s after the burst%n", (System.nanoTime() - drainStart) / 1e9);
            assertThat(new JsonObject(get(URI.create(stack.lbUrl() + "/v1/admin/dead-letters")).body())
                    .getLong("total")).isZero();

            Map<String, Set<String>> expected = plan.expectedTrays(outcome.acknowledged());
            Map<String, Set<String>> possible = plan.allTrays(STORIES);
            int checked = 0;
            for (Map.Entry<String, Set<String>> tray : possible.entrySet()) {
                Set<String> actual = readTray(stack.lbUrl(), tray.getKey());
                assertThat(actual).as("tray %s", tray.getKey())
                        .containsAll(expected.getOrDefault(tray.getKey(), Set.of()))
                        .isSubsetOf(tray.getValue());
                checked += expected.getOrDefault(tray.getKey(), Set.of()).size();
            }
            System.out.printf("scale-out: %d trays read, %d acknowledged (story, tray) pairs found%n", possible.size(), checked);

            assertThat(stack.stop()).as("exit status after SIGTERM").isEqualTo(143);
            assertThat(stack.output()).contains("gateway-2 (pid " + victim + ") exited").contains("[stack] stopped");
            assertThat(stack.survivors()).as("processes left after the stack stopped").isEmpty();
        } finally {
            vertx.close().await(30, TimeUnit.SECONDS);
            if (!Boolean.getBoolean("storycast.ops.keepStack")) {
                try (var paths = Files.walk(folder)) {
                    paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
                }
            }
        }
    }

    /** Audiences (bulk JSON adds) and cross-share preferences, through the load balancer. */
    private static void setUpAudiences(LocalStack stack, ScaleOutPlan plan) throws Exception {
        for (String[] list : plan.lists()) {
            int author = Integer.parseInt(list[2]);
            JsonArray members = new JsonArray(plan.audience(author, list[0], list[1]));
            HttpResponse<String> added = send(HttpRequest.newBuilder(URI.create(stack.lbUrl() + "/v1/audiences/"
                    + list[0] + "/" + plan.author(author) + "/" + list[1])).POST(HttpRequest.BodyPublishers.ofString(members.encode()))
                    .header("Content-Type", "application/json"));
            assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
        }
        for (int author = 0; author < ScaleOutPlan.AUTHORS; author++) {
            HttpResponse<String> put = send(HttpRequest.newBuilder(URI.create(stack.lbUrl() + "/v1/authors/"
                    + plan.author(author) + "/cross-share")).PUT(HttpRequest.BodyPublishers.ofString(plan.crossShare(author).encode()))
                    .header("Content-Type", "application/json"));
            assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        }
    }

    /** @return the story ids in a tray ("platform/subscriber"), every page, through the API */
    private static Set<String> readTray(String lbUrl, String tray) throws Exception {
        Set<String> stories = new TreeSet<>();
        String cursor = null;
        do {
            HttpResponse<String> page = get(URI.create(lbUrl + "/v1/trays/" + tray + "?limit=100"
                    + (cursor == null ? "" : "&cursor=" + java.net.URLEncoder.encode(cursor, java.nio.charset.StandardCharsets.UTF_8))));
            assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
            JsonObject body = new JsonObject(page.body());
            body.getJsonArray("stories").forEach(story -> stories.add(((JsonObject) story).getString("storyId")));
            cursor = body.getString("next");
        } while (cursor != null);
        return stories;
    }

    /** @return the stream entries the gateway process {@code pid} holds (its consumers' pending entries) */
    private static long pendingOf(Redis redis, long pid) throws Exception {
        long held = 0;
        for (int partition = 0; partition < PARTITIONS; partition++) {
            Response summary = redis.send(Request.cmd(Command.XPENDING).arg("{storycast:p" + partition + "}:stories")
                    .arg("fanout")).await(5, TimeUnit.SECONDS);
            Response consumers = summary.get(3);
            if (consumers == null) {
                continue;
            }
            for (Response consumer : consumers) {
                if (consumer.get(0).toString().contains("-" + pid + "-")) {
                    held += consumer.get(1).toLong();
                }
            }
        }
        return held;
    }

    /** Prints, for a failure, the entries still pending per partition: id, consumer, idle time, deliveries. */
    private static void printPending(Redis redis) throws Exception {
        for (int partition = 0; partition < PARTITIONS; partition++) {
            String stream = "{storycast:p" + partition + "}:stories";
            Response pending = redis.send(Request.cmd(Command.XPENDING).arg(stream).arg("fanout").arg("-").arg("+").arg(20))
                    .await(5, TimeUnit.SECONDS);
            for (Response entry : pending) {
                System.out.printf("scale-out: still pending on p%d: %s%n", partition, entry);
            }
            if (pending.size() > 0) {
                System.out.printf("scale-out: p%d groups %s%n", partition, redis.send(Request.cmd(Command.XINFO)
                        .arg("GROUPS").arg(stream)).await(5, TimeUnit.SECONDS));
                System.out.printf("scale-out: p%d consumers %s%n", partition, redis.send(Request.cmd(Command.XINFO)
                        .arg("CONSUMERS").arg(stream).arg("fanout")).await(5, TimeUnit.SECONDS));
            }
        }
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        return send(HttpRequest.newBuilder(uri).GET());
    }

    /** Sends as the README asks of a client: a 503 (Redis did not answer in time) is sent again after its Retry-After. */
    private static HttpResponse<String> send(HttpRequest.Builder builder) throws Exception {
        HttpRequest request = builder.header("Authorization", "Bearer " + KEY).timeout(Duration.ofSeconds(30)).build();
        for (int attempt = 1; ; attempt++) {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 503 || attempt == 5) {
                return response;
            }
            Thread.sleep(1000L * Long.parseLong(response.headers().firstValue("Retry-After").orElse("1")));
        }
    }
}
