package io.storycast.gateway.live;

import io.storycast.gateway.config.RedisConfig;
import io.storycast.gateway.redis.PipelinedRedis;
import io.storycast.gateway.redis.RedisKeys;
import io.storycast.gateway.story.Platform;
import io.storycast.gateway.testing.TestRedis;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import static io.storycast.gateway.testing.TestRedis.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The live registry on a real Redis (a cluster in the cluster run, where a chunk's lookup spans the masters): who
 * holds a subscriber, leases that end, several processes on one subscriber, and renewals in pieces per shard.
 */
class LiveRegistryTest {
    private static final RedisKeys KEYS = new RedisKeys("storycast", 4, 16);
    private static final long LEASE = 30_000;
    private static TestRedis redis;
    private static Vertx vertx;
    private static Context loop;
    private static PipelinedRedis connection;

    @BeforeAll
    static void start() {
        redis = new TestRedis();
        vertx = Vertx.vertx();
        loop = vertx.getOrCreateContext();
        connection = new PipelinedRedis(redis.newClient(vertx), 5000, 100, RedisConfig.CLUSTER.equals(redis.mode()));
    }

    @AfterAll
    static void stop() {
        onLoop(connection::close);
        vertx.close().await();
        redis.close();
    }

    /** Runs a Redis call on the connection's event loop (it is not thread-safe) and waits for it. */
    private static <T> T onLoop(Supplier<Future<T>> call) {
        Promise<T> answer = Promise.promise();
        loop.runOnContext(v -> call.get().onComplete(answer));
        return await(answer.future());
    }

    private static LiveRegistry registry(String instance, long nowMillis) {
        return new LiveRegistry(KEYS, instance, LEASE, () -> nowMillis);
    }

    private static Map<String, List<String>> lookup(List<String> subscribers, long nowMillis) {
        return onLoop(() -> LiveRegistry.lookup(connection, KEYS, Platform.FACEBOOK, subscribers, nowMillis));
    }

    @Test
    void aLookupFindsEveryProcessHoldingASubscriberAndNothingForOthers() {
        long now = System.currentTimeMillis();
        LiveRegistry.Subscriber both = new LiveRegistry.Subscriber(Platform.FACEBOOK, "both");
        onLoop(() -> registry("gw-a", now).register(connection, both));
        onLoop(() -> registry("gw-b", now).register(connection, both));
        onLoop(() -> registry("gw-a", now).register(connection, new LiveRegistry.Subscriber(Platform.FACEBOOK, "only-a")));

        Map<String, List<String>> holders = lookup(List.of("both", "only-a", "nobody"), now);
        assertThat(holders).containsOnlyKeys("gw-a", "gw-b");
        assertThat(holders.get("gw-a")).containsExactlyInAnyOrder("both", "only-a");
        assertThat(holders.get("gw-b")).containsExactly("both");
        // Per platform: the same id on another platform is another subscriber.
        assertThat(onLoop(() -> LiveRegistry.lookup(connection, KEYS, Platform.INSTAGRAM, List.of("both"), now))).isEmpty();

        onLoop(() -> registry("gw-a", now).release(connection, both));
        assertThat(lookup(List.of("both"), now)).isEqualTo(Map.of("gw-b", List.of("both")));
        onLoop(() -> registry("gw-b", now).release(connection, both));
        assertThat(await(redis.api().exists(List.of(KEYS.liveRoute(Platform.FACEBOOK, "both")))).toInteger()).isZero();
        // The last holder gone, the subscriber leaves the set the fan-out probes.
        assertThat(await(redis.api().sismember(KEYS.liveOnline(Platform.FACEBOOK, KEYS.liveShardOf(Platform.FACEBOOK, "both")),
                "both")).toInteger()).isZero();
    }

    @Test
    void aLeaseThatEndedIsLeftOutAndDroppedByTheNextWrite() {
        long now = System.currentTimeMillis();
        LiveRegistry.Subscriber subscriber = new LiveRegistry.Subscriber(Platform.FACEBOOK, "lapsed");
        // A process that died a lease ago, and one alive now.
        onLoop(() -> registry("gw-dead", now - 2 * LEASE).register(connection, subscriber));
        onLoop(() -> registry("gw-live", now).register(connection, subscriber));

        assertThat(lookup(List.of("lapsed"), now)).isEqualTo(Map.of("gw-live", List.of("lapsed")));
        String value = await(redis.api().get(KEYS.liveRoute(Platform.FACEBOOK, "lapsed"))).toString();
        assertThat(value).startsWith("gw-live=").doesNotContain("gw-dead");
        long ttl = await(redis.api().pttl(KEYS.liveRoute(Platform.FACEBOOK, "lapsed"))).toLong();
        assertThat(ttl).isPositive().isLessThanOrEqualTo(LEASE);
    }

    @Test
    void aSubscriberWhoseProcessDiedLeavesTheProbedSetAtTheNextLookupOrSweep() {
        long now = System.currentTimeMillis();
        LiveRegistry dead = registry("gw-gone", now - 2 * LEASE); // its lease ended a lease ago: the key expires at once
        String set = KEYS.liveOnline(Platform.FACEBOOK, KEYS.liveShardOf(Platform.FACEBOOK, "orphan-1"));
        onLoop(() -> dead.register(connection, new LiveRegistry.Subscriber(Platform.FACEBOOK, "orphan-1")));
        assertThat(await(redis.api().sismember(set, "orphan-1")).toInteger()).isOne();

        assertThat(lookup(List.of("orphan-1"), now)).isEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> await(redis.api().sismember(set, "orphan-1")).toInteger() == 0);

        // One no chunk meets: the sweep walks the set and takes it out.
        int shard = KEYS.liveShardOf(Platform.FACEBOOK, "orphan-2");
        onLoop(() -> dead.register(connection, new LiveRegistry.Subscriber(Platform.FACEBOOK, "orphan-2")));
        onLoop(() -> registry("gw-alive", now).register(connection, new LiveRegistry.Subscriber(Platform.FACEBOOK, "kept")));
        String cursor = "0";
        do {
            String from = cursor;
            cursor = onLoop(() -> dead.sweep(connection, Platform.FACEBOOK, shard, from));
        } while (!"0".equals(cursor));
        String orphanSet = KEYS.liveOnline(Platform.FACEBOOK, shard);
        assertThat(await(redis.api().sismember(orphanSet, "orphan-2")).toInteger()).isZero();
        String keptSet = KEYS.liveOnline(Platform.FACEBOOK, KEYS.liveShardOf(Platform.FACEBOOK, "kept"));
        assertThat(await(redis.api().sismember(keptSet, "kept")).toInteger()).isOne();
    }

    @Test
    void aRenewalReachesEverySubscriberAcrossShardsInPiecesOfAtMost500Keys() {
        long now = System.currentTimeMillis();
        List<String> subscribers = IntStream.range(0, 12_000).mapToObj(i -> "many-" + i).toList();
        onLoop(() -> registry("gw-many", now).renew(connection,
                subscribers.stream().map(id -> new LiveRegistry.Subscriber(Platform.FACEBOOK, id)).toList()));
        // 12,000 over 16 shards: some shards hold more than one script call's worth.
        Map<String, List<String>> found = lookup(subscribers, now);
        assertThat(found).containsOnlyKeys("gw-many");
        assertThat(found.get("gw-many")).containsExactlyInAnyOrderElementsOf(subscribers);
    }
}
