package io.storycast.gateway.redis;

import io.storycast.gateway.testing.TestRedis;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisCluster;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static io.storycast.gateway.testing.TestRedis.await;
import static org.assertj.core.api.Assertions.assertThat;

/** The pipelined client in cluster mode, against a real 3-master Redis Cluster: batches split per node. */
class PipelinedRedisOnClusterTest {
    /** Busy for ARGV[1] microseconds on the node of KEYS[1], holding that node (and only that one) up. */
    private static final String BUSY_SCRIPT = "local from = redis.call('TIME') repeat local now = redis.call('TIME') "
            + "until (now[1] - from[1]) * 1000000 + (now[2] - from[2]) >= tonumber(ARGV[1]) return KEYS[1]";
    /** How long the slow node is held up: long enough to look at the fast node meanwhile, microseconds. */
    private static final long BUSY_MICROS = 2_000_000;

    private static TestRedis redis;
    private static Vertx vertx;
    private static Context eventLoop;
    private static PipelinedRedis client;

    @BeforeAll
    static void start() {
        redis = TestRedis.cluster();
        vertx = Vertx.vertx();
        eventLoop = vertx.getOrCreateContext();
        client = new PipelinedRedis(redis.newClient(vertx), 5_000, 100, true);
    }

    @AfterAll
    static void stop() {
        vertx.close().await();
        redis.close();
    }

    @Test
    void aBatchOverKeysOnEveryMasterAnswersInRequestOrder() throws Exception {
        List<Request> batch = new ArrayList<>();
        for (int key = 0; key < 150; key++) {
            batch.add(Request.cmd(Command.SET).arg("spread-" + key).arg("value-" + key));
        }
        for (int key = 0; key < 150; key++) {
            batch.add(Request.cmd(Command.GET).arg("spread-" + key));
        }
        assertThat(onEventLoop(() -> client.connect().compose(connection ->
                RedisCluster.create(connection).groupByNodes(batch))).getKeyed())
                .as("the batch's keys live on every master").hasSize(TestRedis.CLUSTER_MASTERS);

        List<Response> replies = onEventLoop(() -> client.batch(batch));

        assertThat(replies).hasSize(300);
        for (int key = 0; key < 150; key++) {
            assertThat(replies.get(key).toString()).isEqualTo("OK");
            assertThat(replies.get(150 + key).toString()).isEqualTo("value-" + key);
        }
    }

    @Test
    void theClusterClientAloneRefusesABatchOverSeveralNodes() throws Exception {
        List<Request> batch = List.of(Request.cmd(Command.SET).arg(keyOnNode(0)).arg("a"),
                Request.cmd(Command.SET).arg(keyOnNode(1)).arg("b"));
        RedisConnection plain = onEventLoop(() -> redis.newClient(vertx).connect());
        try {
            Throwable refused = onEventLoop(() -> plain.batch(batch).transform(done -> Future.succeededFuture(done.cause())));
            assertThat(refused).as("why the client splits batches itself").isNotNull();
            assertThat(refused.getMessage()).contains("CROSSSLOT");
        } finally {
            plain.close();
        }
    }

    @Test
    void batchesCompleteInTheOrderSentEvenWhenALaterOneIsAnsweredFirst() throws Exception {
        String onSlowNode = keyOnNode(0);
        String onFastNode = keyOnNode(1);
        List<Integer> completed = new CopyOnWriteArrayList<>();
        Future<?> both = onEventLoop(() -> {
            Future<List<Response>> first = client.batch(List.of(
                    Request.cmd(Command.EVAL).arg(BUSY_SCRIPT).arg(1).arg(onSlowNode).arg(BUSY_MICROS),
                    Request.cmd(Command.SET).arg(onFastNode).arg("first")))
                    .onSuccess(replies -> completed.add(1));
            Future<List<Response>> second = client.batch(List.of(Request.cmd(Command.SET).arg(onFastNode).arg("second")))
                    .onSuccess(replies -> completed.add(2));
            return Future.succeededFuture(Future.all(first, second));
        });

        long deadline = System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(BUSY_MICROS);
        while (!"second".equals(String.valueOf(await(redis.api().get(onFastNode))))) {
            assertThat(System.nanoTime()).as("the second batch ran on the fast node while the slow node was busy")
                    .isLessThan(deadline);
        }
        // Looked at after the read: the second batch had run before the first one completed.
        assertThat(completed).as("neither batch completes while the first waits for the slow node").isEmpty();
        await(both);
        assertThat(completed).containsExactly(1, 2);
    }

    /** @return a key whose slot the {@code node}-th master serves (the embedded cluster splits slots evenly) */
    private static String keyOnNode(int node) {
        int masters = TestRedis.CLUSTER_MASTERS;
        for (int candidate = 0; ; candidate++) {
            String key = "node-key-" + candidate;
            long slot = await(redis.api().cluster(List.of("KEYSLOT", key))).toLong();
            if (slot >= (long) node * EmbeddedRedisCluster.SLOTS / masters
                    && slot < (long) (node + 1) * EmbeddedRedisCluster.SLOTS / masters) {
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
