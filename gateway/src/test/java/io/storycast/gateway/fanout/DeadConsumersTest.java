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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.storycast.gateway.testing.TestRedis.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

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

        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEADLINE_MILLIS);
        List<String> removed = await(dead.remove(0));
        while (removed.isEmpty()) {
            if (System.nanoTime() > deadline) {
                fail("no consumer was removed within " + DEADLINE_MILLIS + " ms");
            }
            removed = await(dead.remove(0));
        }
        assertThat(removed).as("idle past the bound with nothing pending; not the one holding an entry, nor itself")
                .containsExactly("gone");

        join(redis, stream, "fresh");
        assertThat(await(dead.remove(0))).as("a consumer that has just joined stays").isEmpty();
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

            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEADLINE_MILLIS);
            while (consumers(fixtureRedis, stream).contains("gone-process")) {
                if (System.nanoTime() > deadline) {
                    fail("the gateway did not remove the consumer gone-process within " + DEADLINE_MILLIS + " ms");
                }
            }
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
