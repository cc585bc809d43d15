package io.storycast.gateway.ingest;

import io.storycast.gateway.redis.PipelinedRedis;
import io.storycast.gateway.redis.RedisKeys;
import io.storycast.gateway.story.Audience;
import io.storycast.gateway.story.MediaKind;
import io.storycast.gateway.story.Platform;
import io.storycast.gateway.story.StoryEvent;
import io.storycast.gateway.testing.TestRedis;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static io.storycast.gateway.testing.TestRedis.await;
import static org.assertj.core.api.Assertions.assertThat;

/** Group commit against a real Redis: how events from separate requests share script calls. */
class StoryStreamAppenderTest {
    private final RedisKeys keys = new RedisKeys("appender-test", 1);
    private TestRedis redis;
    private Vertx vertx;
    private Context eventLoop;
    private StoryStreamAppender appender;

    @BeforeEach
    void start() throws Exception {
        redis = new TestRedis();
        vertx = Vertx.vertx();
        eventLoop = vertx.getOrCreateContext();
        PipelinedRedis connection = new PipelinedRedis(Redis.createClient(vertx, redis.url()), 30_000, 100);
        appender = onEventLoop(() -> Future.succeededFuture(new StoryStreamAppender(eventLoop, connection, keys)));
    }

    @AfterEach
    void stop() {
        vertx.close().await();
        redis.close();
    }

    @Test
    void sendsEventsThatArriveWhileTheirPartitionsCallIsInFlightTogetherInTheNextCall() throws Exception {
        // Redis holds every script call until UNPAUSE, so the first call stays in flight while the others arrive.
        await(redis.api().client(List.of("PAUSE", "30000", "WRITE")));
        Future<List<AppendOutcome>> first = onEventLoop(() -> Future.succeededFuture(append("a-1")));
        Future<List<AppendOutcome>> second = onEventLoop(() -> Future.succeededFuture(append("a-2")));
        Future<List<AppendOutcome>> third = onEventLoop(() -> Future.succeededFuture(append("a-3")));
        await(redis.api().client(List.of("UNPAUSE")));

        AppendOutcome a1 = first.await(10, TimeUnit.SECONDS).get(0);
        AppendOutcome a2 = second.await(10, TimeUnit.SECONDS).get(0);
        AppendOutcome a3 = third.await(10, TimeUnit.SECONDS).get(0);
        assertThat(List.of(a1, a2, a3)).allMatch(AppendOutcome::appended);
        assertThat(a2.entryId()).isNotEqualTo(a1.entryId()).isEqualTo(a3.entryId());
        assertThat(List.of(a2.entryIndex(), a3.entryIndex())).containsExactly(0, 1);
        assertThat(await(redis.api().xlen(keys.storyStream(0))).toLong()).isEqualTo(2);
    }

    @Test
    void sendsAnEventForAnIdlePartitionAtOnce() throws Exception {
        AppendOutcome alone = onEventLoop(() -> append("b-1")).get(0);
        AppendOutcome next = onEventLoop(() -> append("b-2")).get(0);

        assertThat(next.entryId()).isNotEqualTo(alone.entryId());
        assertThat(await(redis.api().xlen(keys.storyStream(0))).toLong()).isEqualTo(2);
    }

    private Future<List<AppendOutcome>> append(String storyId) {
        long expiresAt = System.currentTimeMillis() + 3_600_000;
        return appender.append("ig", List.of(new StoryEvent(Platform.INSTAGRAM, storyId, "author-1",
                expiresAt - 86_400_000L, expiresAt, Audience.DEFAULT, "m-" + storyId, MediaKind.IMAGE, null, null)));
    }

    /** Runs {@code call} in a pass of the appender's event loop and waits, from the test thread, for its result. */
    private <T> T onEventLoop(Supplier<Future<T>> call) throws Exception {
        Promise<T> result = Promise.promise();
        eventLoop.runOnContext(ignored -> call.get().onComplete(result));
        return result.future().await(10, TimeUnit.SECONDS);
    }
}
