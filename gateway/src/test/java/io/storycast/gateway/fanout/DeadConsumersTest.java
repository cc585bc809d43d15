package io.storycast.gateway.fanout;

import io.storycast.gateway.redis.RedisKeys;
import io.storycast.gateway.testing.FanoutFixture;
import io.storycast.gateway.testing.TestRedis;
import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.storycast.gateway.testing.TestRedis.await;
import static org.assertj.core.api.Assertions.assertThat;

/** The fan-out group forgets the consumers of gateway processes gone for good, and only those. */
class DeadConsumersTest {
    private static final long DEADLINE_MILLIS = 20_000;

    private static TestRedis redis;
    private static Vertx vertx;

    @BeforeAll
    static void start() {
        redis = new TestRedis();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        vertx.close().await();
        redis.close();
    }

    @Test
    void removesOnlyConsumersWithNothingPendingIdleLongerThanTheBound() {
        RedisKeys keys = new RedisKeys("dead-consumers", 1);
        String stream = keys.storyStream(0);
        RedisAPI api = redis.api();
        await(api.xgroup(List.of("CREATE", stream, RedisKeys.FANOUT_GROUP, "$", "MKSTREAM")));
        await(api.xadd(List.of(stream, "*", "events", "one")));
        String delivered = readAs(stream, "gone").get(0);
        await(api.xack(List.of(stream, RedisKeys.FANOUT_GROUP, delivered)));
        await(api.xadd(List.of(stream, "*", "events", "two")));
        assertThat(readAs(stream, "holding")).as("an entry still pending").hasSize(1);
        join(redis, stream, "me");
        DeadConsumers dead = new DeadConsumers(redis.newClient(vertx), keys, "me", 300);

        List<String> removed = org.awaitility.Awaitility.await().atMost(Duration.ofMillis(DEADLINE_MILLIS))
                .pollInterval(Duration.ofMillis(50)).until(() -> await(dead.remove(0)), list -> !list.isEmpty());
        assertThat(removed).as("idle past the bound with nothing pending; not the one holding an entry, nor itself")
                .containsExactly("gone");

        // Checked against a bound no busy machine reaches between the join and the check.
        join(redis, stream, "fresh");
        DeadConsumers patient = new DeadConsumers(redis.newClient(vertx), keys, "me", 60_000);
        assertThat(await(patient.remove(0))).as("a consumer idle less than the bound stays").isEmpty();
        assertThat(consumers(stream)).containsExactlyInAnyOrder("holding", "me", "fresh");
    }

    @Test
    void aGatewayRemovesTheConsumerOfAProcessGoneForGood() {
        try (FanoutFixture fixture = FanoutFixture.start(Map.of(
                "STORYCAST_FANOUT_CONSUMER_NAME", "live-process",
                "STORYCAST_FANOUT_CLAIM_IDLE_MILLIS", "1000",
                "STORYCAST_FANOUT_CLAIM_INTERVAL_MILLIS", "100",
                "STORYCAST_FANOUT_DEAD_CONSUMER_IDLE_MILLIS", "1000"))) {
            String stream = fixture.keys().storyStream(0);
            TestRedis fixtureRedis = fixture.redis();
            join(fixtureRedis, stream, "gone-process");
            // The consumer partition 0's worker reads as (its first read of an entry would add it).
            join(fixtureRedis, stream, "live-process-0");
            assertThat(consumers(fixtureRedis, stream)).contains("gone-process", "live-process-0");

            org.awaitility.Awaitility.await("the gateway removes the consumer gone-process")
                    .atMost(Duration.ofMillis(DEADLINE_MILLIS)).pollInterval(Duration.ofMillis(50))
                    .until(() -> !consumers(fixtureRedis, stream).contains("gone-process"));
            assertThat(consumers(fixtureRedis, stream)).as("the gateway keeps its own consumer").contains("live-process-0");
        }
    }

    /** Reads new entries as {@code consumer} (which joins the group when it is given some); returns their ids. */
    private static List<String> readAs(String stream, String consumer) {
        Response reply = await(redis.api().xreadgroup(List.of("GROUP", RedisKeys.FANOUT_GROUP, consumer, "COUNT", "10",
                "STREAMS", stream, ">")));
        List<String> ids = new ArrayList<>();
        if (reply != null) {
            for (Response entry : reply.get(stream)) {
                ids.add(entry.get(0).toString());
            }
        }
        return ids;
    }

    /** Adds a consumer to the group, as a process's first read does (Redis 6.2 adds it only once it gets entries). */
    private static void join(TestRedis on, String stream, String consumer) {
        await(on.api().xgroup(List.of("CREATECONSUMER", stream, RedisKeys.FANOUT_GROUP, consumer)));
    }

    private static List<String> consumers(String stream) {
        return consumers(redis, stream);
    }

    private static List<String> consumers(TestRedis on, String stream) {
        List<String> names = new ArrayList<>();
        for (Response consumer : await(on.api().xinfo(List.of("CONSUMERS", stream, RedisKeys.FANOUT_GROUP)))) {
            names.add(consumer.get("name").toString());
        }
        return names;
    }
}
