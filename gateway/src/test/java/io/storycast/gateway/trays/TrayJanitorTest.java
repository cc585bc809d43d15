package io.storycast.gateway.trays;

import io.storycast.gateway.config.ConfigLoader;
import io.storycast.gateway.config.RedisConfig;
import io.storycast.gateway.redis.ClusterMasters;
import io.storycast.gateway.redis.EmbeddedRedisCluster;
import io.storycast.gateway.redis.KeySpaceNodes;
import io.storycast.gateway.redis.PipelinedRedis;
import io.storycast.gateway.redis.RedisKeys;
import io.storycast.gateway.story.Platform;
import io.storycast.gateway.testing.TestRedis;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static io.storycast.gateway.testing.TestRedis.await;
import static org.assertj.core.api.Assertions.assertThat;

/** The tray janitor itself, stepped by the test against a real Redis: a standalone server, and a one-master cluster. */
class TrayJanitorTest {
    private static final long DAY_MILLIS = 86_400_000L;
    private static final long DEADLINE_MILLIS = 30_000;

    private static TestRedis redis;
    private static Vertx vertx;
    private static Context eventLoop;

    @BeforeAll
    static void start() {
        redis = TestRedis.standalone();
        vertx = Vertx.vertx();
        eventLoop = vertx.getOrCreateContext();
    }

    @AfterAll
    static void stop() {
        vertx.close().await();
        redis.close();
    }

    @Test
    void cleansEveryTrayOnAConnectionOfItsSizeEvenWhenAScanReturnsMoreKeysThanItsHint() throws Exception {
        RedisKeys keys = new RedisKeys("janitor-overshoot", 4);
        List<String> abandoned = writeAbandonedTrays(keys, 100);
        int keysPerStep = 1;
        // A connection that holds no more than the janitor says it sends at once: two commands.
        Redis connector = Redis.createClient(vertx, new RedisOptions().setConnectionString(redis.url())
                .setMaxWaitingHandlers(TrayJanitor.maxUnansweredCommands(keysPerStep)));
        PipelinedRedis connection = new PipelinedRedis(connector, 5_000, 100);
        TrayJanitor janitor = new TrayJanitor(KeySpaceNodes.standalone(connection), lease(keys, "process-a"), keys, 10,
                DAY_MILLIS, keysPerStep, System::currentTimeMillis);
        try {
            int[] mostInAStep = {0};
            stepsUntil(() -> {
                mostInAStep[0] = Math.max(mostInAStep[0], onEventLoop(janitor::step));
                return remaining(abandoned) == 0;
            });
            assertThat(mostInAStep[0]).as("some SCAN of COUNT 1 returned several trays (a bucket of several keys)")
                    .isGreaterThan(keysPerStep);
        } finally {
            onEventLoop(connection::close);
        }
    }

    @Test
    void asksForTheMastersAgainAfterAStepThatFoundNone(@TempDir Path folder) throws Exception {
        RedisKeys keys = new RedisKeys("janitor-no-masters", 4);
        String tray = keys.tray(Platform.FACEBOOK, "gone");
        try (EmbeddedRedisCluster cluster = EmbeddedRedisCluster.start(folder, "no", 1)) {
            // A plain client to the one master: a cluster client cannot even connect while no slot is served.
            Redis node = Redis.createClient(vertx, cluster.url());
            await(node.send(Request.cmd(Command.ZADD).arg(tray).arg(System.currentTimeMillis() - 2 * DAY_MILLIS)
                    .arg("instagram:old-1")));
            await(node.send(allSlots(Request.cmd(Command.CLUSTER).arg("DELSLOTS"))));
            RedisConfig config = new ConfigLoader().load(null, Map.of("STORYCAST_REDIS_MODE", RedisConfig.CLUSTER,
                    "STORYCAST_REDIS_URL", cluster.url())).redis();
            ClusterMasters masters = new ClusterMasters(vertx, config, node, cluster.url(),
                    TrayJanitor.maxUnansweredCommands(10));
            // The lease lives on the class's server: the cluster serves no slot for a while.
            TrayJanitor janitor = new TrayJanitor(masters, lease(keys, "process-a"), keys, 10, DAY_MILLIS, 10,
                    System::currentTimeMillis);
            try {
                assertThat(onEventLoop(masters::current)).as("CLUSTER SLOTS names no master").isEmpty();
                assertThat(onEventLoop(janitor::step)).isZero();
                assertThat(onEventLoop(janitor::step)).isZero();

                await(node.send(allSlots(Request.cmd(Command.CLUSTER).arg("ADDSLOTS"))));
                stepsUntil(() -> await(node.send(Request.cmd(Command.CLUSTER).arg("INFO"))).toString().contains("cluster_state:ok"));
                stepsUntil(() -> {
                    onEventLoop(janitor::step);
                    return await(node.send(Request.cmd(Command.EXISTS).arg(tray))).toInteger() == 0;
                });
            } finally {
                onEventLoop(masters::close);
                node.close();
            }
        }
    }

    @Test
    void onlyTheProcessHoldingTheLeaseSweepsAndAnotherTakesOverOnceItStops() throws Exception {
        RedisKeys keys = new RedisKeys("janitor-lease", 4);
        List<String> abandoned = writeAbandonedTrays(keys, 30);
        // A lease far longer than the test: it ends when the test says, not when a busy machine is slow.
        TrayJanitor first = janitor(keys, "process-a", 60_000);
        TrayJanitor second = janitor(keys, "process-b", 60_000);

        assertThat(onEventLoop(first::step)).as("the first to step takes the lease and sweeps").isPositive();
        assertThat(await(redis.api().get(keys.sweepLease())).toString()).isEqualTo("process-a");
        long before = remaining(abandoned);
        assertThat(before).as("five trays a step: some are left").isPositive();
        assertThat(onEventLoop(second::step)).as("the other process sweeps nothing while the first holds it").isZero();
        assertThat(remaining(abandoned)).isEqualTo(before);

        // The first process stops stepping (killed): its lease runs out (made to, now) and the other one takes over.
        await(redis.api().pexpire(List.of(keys.sweepLease(), "1")));
        stepsUntil(() -> {
            onEventLoop(second::step);
            return remaining(abandoned) == 0;
        });
        assertThat(await(redis.api().get(keys.sweepLease())).toString()).isEqualTo("process-b");
        assertThat(onEventLoop(first::step)).isZero();

        // A process that stops gives the lease up: the other takes it at its next step.
        onEventLoop(() -> lease(keys, "process-b").release());
        assertThat(await(redis.api().exists(List.of(keys.sweepLease()))).toInteger()).isZero();
        onEventLoop(first::step);
        assertThat(await(redis.api().get(keys.sweepLease())).toString()).isEqualTo("process-a");
    }

    private static TrayJanitor janitor(RedisKeys keys, String process, long leaseMillis) {
        return new TrayJanitor(KeySpaceNodes.standalone(redis.newClient(vertx)), new SweepLease(redis.newClient(vertx),
                keys, process, leaseMillis), keys, 10, DAY_MILLIS, 5, System::currentTimeMillis);
    }

    /** A lease on the class's server, for a janitor that is the only one on its keys. */
    private static SweepLease lease(RedisKeys keys, String process) {
        return new SweepLease(redis.newClient(vertx), keys, process, 60_000);
    }

    private static Request allSlots(Request request) {
        for (int slot = 0; slot < EmbeddedRedisCluster.SLOTS; slot++) {
            request.arg(slot);
        }
        return request;
    }

    /** Writes trays whose every story is two days old, all in one pipelined write; returns their keys. */
    private static List<String> writeAbandonedTrays(RedisKeys keys, int count) {
        long twoDaysAgo = System.currentTimeMillis() - 2 * DAY_MILLIS;
        List<String> trays = new ArrayList<>(count);
        List<Request> writes = new ArrayList<>(count);
        for (int tray = 0; tray < count; tray++) {
            String key = keys.tray(Platform.FACEBOOK, "gone-" + tray);
            writes.add(Request.cmd(Command.ZADD).arg(key).arg(twoDaysAgo).arg("instagram:old-1"));
            trays.add(key);
        }
        redis.batchPerMaster(writes);
        return trays;
    }

    private static long remaining(List<String> trays) {
        return await(redis.api().exists(trays)).toLong();
    }

    /** Runs on the one event loop the janitor belongs to, as in the gateway; waits from the test thread. */
    private static <T> T onEventLoop(Supplier<Future<T>> call) throws Exception {
        Promise<T> result = Promise.promise();
        eventLoop.runOnContext(ignored -> call.get().onComplete(result));
        return result.future().await(10, TimeUnit.SECONDS);
    }

    /** Polls (a step, a check) until it answers true, within the deadline; a short pause between polls. */
    private static void stepsUntil(java.util.concurrent.Callable<Boolean> done) {
        org.awaitility.Awaitility.await().atMost(Duration.ofMillis(DEADLINE_MILLIS)).pollInterval(Duration.ofMillis(20))
                .until(done);
    }
}
