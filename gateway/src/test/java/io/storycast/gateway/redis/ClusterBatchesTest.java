package io.storycast.gateway.redis;

import io.storycast.gateway.config.RedisConfig;
import io.storycast.gateway.testing.TestRedis;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static io.storycast.gateway.testing.TestRedis.await;
import static org.assertj.core.api.Assertions.assertThat;

/** Batches over a real 3-master Redis Cluster whose slot moves under the client. */
class ClusterBatchesTest {
    private static TestRedis redis;
    private static Vertx vertx;
    private static Context eventLoop;
    private static List<Redis> nodes;

    @BeforeAll
    static void start() {
        redis = TestRedis.cluster();
        vertx = Vertx.vertx();
        eventLoop = vertx.getOrCreateContext();
        nodes = ((EmbeddedRedisCluster) redis.server()).nodeUrls().stream().map(url -> Redis.createClient(vertx, url)).toList();
    }

    @AfterAll
    static void stop() {
        vertx.close().await();
        redis.close();
    }

    @Test
    void aProbeKeyOfEverySlotIsInThatSlotAsRedisHashesIt() {
        for (int from = 0; from < EmbeddedRedisCluster.SLOTS; from += 1024) {
            List<Request> keySlots = new ArrayList<>(1024);
            for (int slot = from; slot < from + 1024; slot++) {
                keySlots.add(Request.cmd(Command.CLUSTER).arg("KEYSLOT").arg(HashSlots.keyIn(slot)));
            }
            List<Response> redisSays = await(nodes.get(0).batch(keySlots));
            for (int slot = from; slot < from + 1024; slot++) {
                assertThat(redisSays.get(slot - from).toInteger()).isEqualTo(slot);
            }
        }
    }

    @Test
    void aBatchThatMeetsAMovedSlotIsSentAgainToTheSlotsNewMaster() throws Exception {
        String moving = keyOnMaster(0, "moving-");
        String staying = keyOnMaster(2, "staying-");
        // The client's own slot map would only be read again after an hour: what moves it is the refresh.
        Redis connector = Redis.createClient(vertx, new RedisOptions().setType(RedisClientType.CLUSTER)
                .setHashSlotCacheTTL(3_600_000)
                .setEndpoints(RedisConfig.seedUrls(redis.url())));
        PipelinedRedis client = new PipelinedRedis(connector, 5_000, 100, true);
        try {
            onEventLoop(() -> client.batch(List.of(Request.cmd(Command.SET).arg(staying).arg("before"))));

            int slot = await(redis.api().cluster(List.of("KEYSLOT", moving))).toInteger();
            moveEmptySlot(slot, 0, 1);

            List<Response> answers = onEventLoop(() -> client.batch(List.of(
                    Request.cmd(Command.SET).arg(moving).arg("first"),
                    Request.cmd(Command.SET).arg(staying).arg("first"),
                    Request.cmd(Command.GET).arg(moving))));

            assertThat(answers).extracting(Response::toString).containsExactly("OK", "OK", "first");
            assertThat(await(nodes.get(1).send(Request.cmd(Command.GET).arg(moving))).toString())
                    .as("written on the slot's new master").isEqualTo("first");
            assertThat(await(nodes.get(0).send(Request.cmd(Command.CLUSTER).arg("COUNTKEYSINSLOT").arg(slot))).toInteger())
                    .as("and not on its old one").isZero();
            assertThat(await(redis.api().get(staying)).toString()).as("the other master's part ran").isEqualTo("first");
            List<Response> next = onEventLoop(() -> client.batch(List.of(Request.cmd(Command.GET).arg(moving))));
            assertThat(next.get(0).toString()).as("the next batch goes there at once").isEqualTo("first");
        } finally {
            onEventLoop(client::close);
        }
    }

    /** Moves a slot that holds no key from one master to another, as {@code redis-cli --cluster reshard} does. */
    private static void moveEmptySlot(int slot, int from, int to) {
        String fromId = await(nodes.get(from).send(Request.cmd(Command.CLUSTER).arg("MYID"))).toString();
        String toId = await(nodes.get(to).send(Request.cmd(Command.CLUSTER).arg("MYID"))).toString();
        assertThat(await(nodes.get(from).send(Request.cmd(Command.CLUSTER).arg("COUNTKEYSINSLOT").arg(slot))).toInteger())
                .isZero();
        await(nodes.get(to).send(Request.cmd(Command.CLUSTER).arg("SETSLOT").arg(slot).arg("IMPORTING").arg(fromId)));
        await(nodes.get(from).send(Request.cmd(Command.CLUSTER).arg("SETSLOT").arg(slot).arg("MIGRATING").arg(toId)));
        for (int node : new int[] {to, from, 3 - from - to}) {
            await(nodes.get(node).send(Request.cmd(Command.CLUSTER).arg("SETSLOT").arg(slot).arg("NODE").arg(toId)));
        }
    }

    /** @return a key, not yet written, of a slot the {@code master}-th master serves */
    private static String keyOnMaster(int master, String prefix) {
        for (int candidate = 0; ; candidate++) {
            String key = prefix + candidate;
            if (redis.masterOf(key) == master) {
                return key;
            }
        }
    }

    /** Runs on the one event loop the client belongs to, as in the gateway; waits from the test thread. */
    private static <T> T onEventLoop(Supplier<Future<T>> call) throws Exception {
        Promise<T> result = Promise.promise();
        eventLoop.runOnContext(ignored -> call.get().onComplete(result));
        return result.future().await(10, TimeUnit.SECONDS);
    }
}
