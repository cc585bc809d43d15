package io.storycast.gateway.redis;

import io.storycast.gateway.testing.TestRedis;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.storycast.gateway.testing.TestRedis.await;
import static org.assertj.core.api.Assertions.assertThat;

/** The request path's Redis client against a real server: bounded pending commands, reconnection. */
class PipelinedRedisTest {
    private TestRedis redis;
    private Vertx vertx;
    private io.vertx.core.Context eventLoop;

    @BeforeEach
    void start() {
        redis = new TestRedis();
        vertx = Vertx.vertx();
        eventLoop = vertx.getOrCreateContext();
    }

    @AfterEach
    void stop() {
        vertx.close().await();
        redis.close();
    }

    private PipelinedRedis client(int maxPendingCommands) {
        Redis connector = Redis.createClient(vertx, new RedisOptions().setConnectionString(redis.url())
                .setMaxWaitingHandlers(maxPendingCommands));
        return new PipelinedRedis(connector, 1_000, 100);
    }

    /** Runs on the one event loop the client belongs to, as in the gateway; waits from the test thread. */
    private <T> T onEventLoop(java.util.function.Supplier<Future<T>> call) throws Exception {
        io.vertx.core.Promise<T> result = io.vertx.core.Promise.promise();
        eventLoop.runOnContext(ignored -> call.get().onComplete(result));
        return result.future().await(10, TimeUnit.SECONDS);
    }

    /** Polls Redis's own count of blocked clients (no sleeping) until it reaches {@code expected}. */
    private void awaitBlockedClients(int expected) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            String clients = await(redis.api().info(List.of("clients"))).toString();
            if (clients.contains("blocked_clients:" + expected)) {
                return;
            }
            assertThat(System.nanoTime()).as("Redis reports %d blocked client(s): %s", expected, clients).isLessThan(deadline);
        }
    }

    @Test
    void pipelinesManyCommandsOnOneConnection() throws Exception {
        PipelinedRedis client = client(1024);
        List<Response> replies = onEventLoop(() -> {
            List<Future<Response>> sends = new java.util.ArrayList<>();
            for (int i = 0; i < 200; i++) {
                sends.add(client.send(Request.cmd(Command.INCR).arg("{test}:counter")));
            }
            return Future.all(sends).map(all -> all.<Response>list());
        });

        assertThat(replies).hasSize(200);
        assertThat(await(redis.api().get("{test}:counter")).toInteger()).isEqualTo(200);
        Response clients = await(redis.api().client(List.of("LIST")));
        assertThat(clients.toString().lines().count()).as("the test's own client plus one pipelined connection").isEqualTo(2);
    }

    @Test
    void failsAtOnceWhenThePendingQueueIsFull() throws Exception {
        PipelinedRedis client = client(1);
        // BLPOP holds the connection's only pending slot until a value arrives.
        Future<Response> blocked = onEventLoop(() -> Future.succeededFuture(
                client.send(Request.cmd(Command.BLPOP).arg("{test}:queue").arg(10))));
        awaitBlockedClients(1);

        Throwable refused = onEventLoop(() -> client.send(Request.cmd(Command.PING))
                .transform(done -> Future.succeededFuture(done.cause())));

        assertThat(refused).isInstanceOf(PipelinedRedis.RedisBackpressureException.class);
        await(redis.api().lpush(List.of("{test}:queue", "released")));
        assertThat(blocked.await(10, TimeUnit.SECONDS).get(1).toString()).isEqualTo("released");
    }

    @Test
    void reconnectsAfterTheServerComesBack() throws Exception {
        PipelinedRedis client = client(1024);
        assertThat(onEventLoop(() -> client.send(Request.cmd(Command.PING))).toString()).isEqualTo("PONG");

        redis.server().stop();
        Throwable down = onEventLoop(() -> client.send(Request.cmd(Command.PING))
                .transform(done -> Future.succeededFuture(done.cause())));
        assertThat(down).as("a command fails while the server is down").isNotNull();
        redis.server().start();

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String reply = null;
        while (reply == null && System.nanoTime() < deadline) {
            reply = onEventLoop(() -> client.send(Request.cmd(Command.PING))
                    .transform(done -> Future.succeededFuture(done.succeeded() ? done.result().toString() : null)));
        }
        assertThat(reply).isEqualTo("PONG");
    }
}
