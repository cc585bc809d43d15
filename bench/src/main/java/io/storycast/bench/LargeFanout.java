package io.storycast.bench;

import io.storycast.gateway.story.Platform;
import io.storycast.gateway.fanout.TargetProgress;
import io.vertx.core.http.HttpClient;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.concurrent.TimeUnit;

/**
 * One story of a large audience, posted and then watched until its fan-out is done, so a load can run
 * beside it for exactly as long as it runs. Its duration runs from just before the post to the
 * {@code finishedAt} its record gets when the last tray write is confirmed (epoch ms).
 */
final class LargeFanout {
    /** The fan-out's duration, from the post to its {@code finishedAt}, and its tray writes per second. */
    record Result(double seconds, double writesPerSecond) {
    }

    private final Redis redis;
    private final String storyKey;
    private final long postedAtMillis;
    private final Thread watcher;
    private volatile boolean running = true;

    private LargeFanout(Redis redis, String storyId, long postedAtMillis) {
        this.redis = redis;
        this.storyKey = BenchEvents.KEYS.story(Platform.INSTAGRAM, storyId);
        this.postedAtMillis = postedAtMillis;
        this.watcher = new Thread(this::watch, "large-fanout-watcher");
        this.watcher.setDaemon(true);
    }

    static LargeFanout start(HttpClient http, Redis redis, String authorId, String storyId) throws Exception {
        String event = BenchEvents.event(storyId, authorId);
        long postedAt = System.currentTimeMillis();
        int status = BenchEvents.post(http, event).await(30, TimeUnit.SECONDS);
        if (status != 202) {
            throw new IllegalStateException("the large story was not accepted: " + status);
        }
        LargeFanout fanout = new LargeFanout(redis, storyId, postedAt);
        fanout.watcher.start();
        return fanout;
    }

    /** @return false once the fan-out is done; safe from any thread */
    boolean running() {
        return running;
    }

    Result awaitDone(long expectedWrites) throws Exception {
        watcher.join(TimeUnit.MINUTES.toMillis(5));
        Response state = redis.send(Request.cmd(Command.HMGET).arg(storyKey).arg(TargetProgress.finishedAtField(Platform.INSTAGRAM))
                .arg(TargetProgress.writtenField(Platform.INSTAGRAM))).await(10, TimeUnit.SECONDS);
        if (state.get(0) == null || state.get(1).toLong() != expectedWrites) {
            throw new IllegalStateException("the large fan-out did not finish with " + expectedWrites + " writes");
        }
        double seconds = (state.get(0).toLong() - postedAtMillis) / 1000.0;
        return new Result(seconds, expectedWrites / seconds);
    }

    private void watch() {
        try {
            while (true) {
                Response state = redis.send(Request.cmd(Command.HGET).arg(storyKey).arg(TargetProgress.stateField(Platform.INSTAGRAM)))
                        .await(10, TimeUnit.SECONDS);
                if (state != null && "done".equals(state.toString())) {
                    return;
                }
                Thread.sleep(20); // sampling the state; the timing comes from finishedAt
            }
        } catch (Exception stopped) {
            // the result check in awaitDone reports it
        } finally {
            running = false;
        }
    }
}
