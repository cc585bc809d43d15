package io.storycast.bench;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

import java.util.concurrent.TimeUnit;

/**
 * The CPU time Redis's main process has used (INFO cpu: used_cpu_user + used_cpu_sys, children such as an
 * AOF rewrite excluded), read before and after a phase, so each phase reports Redis microseconds per event.
 */
final class RedisCpu implements AutoCloseable {
    private final Redis redis;

    RedisCpu(Vertx vertx, String redisUrl) {
        this.redis = Redis.createClient(vertx, redisUrl);
    }

    /** @return seconds of CPU Redis has used so far */
    double seconds() {
        try {
            String info = redis.send(Request.cmd(Command.INFO).arg("cpu")).await(10, TimeUnit.SECONDS).toString();
            double total = 0;
            for (String line : info.split("\r?\n")) {
                if (line.startsWith("used_cpu_user:") || line.startsWith("used_cpu_sys:")) {
                    total += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
                }
            }
            return total;
        } catch (Exception e) {
            throw new IllegalStateException("INFO cpu failed: " + e, e);
        }
    }

    @Override
    public void close() {
        redis.close();
    }
}
