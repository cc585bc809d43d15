package io.storycast.gateway.metrics;

import io.storycast.gateway.redis.PipelinedRedis;
import io.storycast.gateway.testing.TestRedis;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@code redis.roundtrip} holds, against a real Redis: an answer's time, a round trip cut off by the command
 * timeout as the timeout (a stalled Redis must show in the percentiles), and no Redis error answer.
 */
class RedisRoundTripStageTest {
    private static final long COMMAND_TIMEOUT_MILLIS = 200;

    private TestRedis redis;
    private Vertx vertx;
    private Context eventLoop;
    private StageRecorder roundTrips;
    private PipelinedRedis client;

    @BeforeEach
    void start() {
        redis = TestRedis.standalone(); // what is measured is the client's; one server is enough
        vertx = Vertx.vertx();
        eventLoop = vertx.getOrCreateContext();
        roundTrips = new StageRecorder("redis.roundtrip", "test");
        Redis connector = Redis.createClient(vertx, new RedisOptions().setConnectionString(redis.url()));
        client = new PipelinedRedis(connector, COMMAND_TIMEOUT_MILLIS, 100, false, roundTrips);
    }

    @AfterEach
    void stop() {
        vertx.close().await();
        redis.close();
    }

    @Test
    void recordsAnAnsweredCommandAndNotAnErrorAnswer() throws Exception {
        onEventLoop(() -> client.send(Request.cmd(Command.SET).arg("{test}:text").arg("not a number")));
        Throwable refused = onEventLoop(() -> client.send(Request.cmd(Command.INCR).arg("{test}:text"))
                .transform(done -> Future.succeededFuture(done.cause())));
        assertThat(refused).as("Redis answers INCR of text with an error").isNotNull();

        Histogram interval = roundTrips.intervalHistogram();
        assertThat(interval.getTotalCount()).as("the SET, not the error answer").isEqualTo(1);
        assertThat(interval.getMaxValue()).isLessThan(TimeUnit.MILLISECONDS.toMicros(COMMAND_TIMEOUT_MILLIS));
    }

    @Test
    void recordsACommandCutOffByTheTimeoutAsTheTimeout() throws Exception {
        // DEBUG SLEEP stalls the whole server for longer than the command timeout.
        Throwable cutOff = onEventLoop(() -> client.send(Request.cmd(Command.DEBUG).arg("SLEEP").arg("0.6"))
                .transform(done -> Future.succeededFuture(done.cause())));
        assertThat(cutOff).isInstanceOf(TimeoutException.class);

        Histogram interval = roundTrips.intervalHistogram();
        assertThat(interval.getTotalCount()).isEqualTo(1);
        assertThat(interval.valuesAreEquivalent(interval.getMaxValue(), TimeUnit.MILLISECONDS.toMicros(COMMAND_TIMEOUT_MILLIS)))
                .as("recorded %d µs", interval.getMaxValue()).isTrue();
    }

    /** Runs on the one event loop the client belongs to, as in the gateway; waits from the test thread. */
    private <T> T onEventLoop(Supplier<Future<T>> call) throws Exception {
        Promise<T> result = Promise.promise();
        eventLoop.runOnContext(ignored -> call.get().onComplete(result));
        return result.future().await(10, TimeUnit.SECONDS);
    }
}
