package io.storycast.gateway.trays;

import io.storycast.gateway.redis.RedisKeys;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Walks every tray in the background ({@code SCAN}, a step at a time) and removes the stories no story
 * can outlive (older than the longest lifetime plus the clock skew) and the stories past the cap. A tray
 * left empty is deleted by Redis. This is what makes a tray nobody reads or writes any more go away, so
 * the write path stays one command per subscriber with no expiry to renew. Each step costs one
 * {@code SCAN} and two commands per tray found, in one pipelined batch; a full walk over {@code n} trays
 * takes about {@code n / trays.sweepKeysPerStep} steps.
 *
 * <p>Not thread-safe: one instance per process, on one event loop.
 */
public final class TrayJanitor {
    private final Redis redis;
    private final String pattern;
    private final int maxStories;
    private final long maxStoryAgeMillis;
    private final int keysPerStep;
    private final LongSupplier clockMillis;
    private String cursor = "0";
    private boolean stepping;

    /**
     * @param maxStories        a tray's cap
     * @param maxStoryAgeMillis the oldest a story can be and still live, milliseconds
     * @param keysPerStep       the {@code COUNT} hint of each {@code SCAN} step, at least 1
     * @param clockMillis       now, epoch ms
     */
    public TrayJanitor(Redis redis, RedisKeys keys, int maxStories, long maxStoryAgeMillis, int keysPerStep,
                       LongSupplier clockMillis) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.pattern = keys.trayPattern();
        this.maxStories = maxStories;
        this.maxStoryAgeMillis = maxStoryAgeMillis;
        this.keysPerStep = keysPerStep;
        this.clockMillis = Objects.requireNonNull(clockMillis, "clockMillis");
    }

    /** @return the number of trays this step cleaned; none while the previous step is still running */
    public Future<Integer> step() {
        if (stepping) {
            return Future.succeededFuture(0);
        }
        stepping = true;
        return redis.send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(pattern).arg("COUNT").arg(keysPerStep))
                .compose(this::clean)
                .onComplete(done -> stepping = false);
    }

    private Future<Integer> clean(Response scan) {
        cursor = scan.get(0).toString();
        Response found = scan.get(1);
        if (found.size() == 0) {
            return Future.succeededFuture(0);
        }
        String oldest = "(" + (clockMillis.getAsLong() - maxStoryAgeMillis);
        List<Request> batch = new ArrayList<>(2 * found.size());
        for (Response key : found) {
            batch.add(Request.cmd(Command.ZREMRANGEBYSCORE).arg(key.toString()).arg("-inf").arg(oldest));
            batch.add(Request.cmd(Command.ZREMRANGEBYRANK).arg(key.toString()).arg(0).arg(-maxStories - 1));
        }
        return redis.batch(batch).map(replies -> found.size());
    }
}
