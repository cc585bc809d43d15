package io.storycast.gateway.live;

import io.storycast.gateway.metrics.LiveCounters;
import io.storycast.gateway.redis.RedisKeys;
import io.storycast.gateway.story.Audience;
import io.storycast.gateway.story.Platform;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Which of a process's connected subscribers may see a story that went into a large audience's outbox: members of
 * the audience who have not muted the author, the same rule a tray read applies to outbox stories
 * ({@code outbox-page.lua}). Per {@value #CHUNK} subscribers, one {@code ZMSCORE} on the audience and one
 * {@code SMISMEMBER} on its mutes, pipelined (both keys share the audience's hash tag, so this works on a cluster):
 * the cost is per connected subscriber of this process, never per member of the audience.
 *
 * <p>At most {@code maxPending} checks run at once; past that, a story's push is dropped and counted (busy).
 * Not thread-safe: runs on the hub's event loop.
 */
final class OutboxMembers {
    /** Subscribers per command. */
    static final int CHUNK = 1000;

    private final Redis redis;
    private final RedisKeys keys;
    private final LiveCounters counters;
    private final int maxPending;
    private int pending;

    OutboxMembers(Redis redis, RedisKeys keys, LiveCounters counters, int maxPending) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.counters = Objects.requireNonNull(counters, "counters");
        this.maxPending = maxPending;
    }

    /**
     * @param listName the audience list's wire name
     * @return those of {@code subscribers} who may see the author's outbox stories on the platform; fails (counted)
     *         when too many checks are waiting, the list is unknown or Redis fails
     */
    Future<List<String>> check(Platform platform, String authorId, String listName, List<String> subscribers) {
        Audience list = Audience.fromWireName(listName);
        if (list == null || authorId == null) {
            return Future.failedFuture(new IllegalArgumentException("an outbox message names no audience"));
        }
        if (pending >= maxPending) {
            counters.publishFailed("busy", subscribers.size());
            return Future.failedFuture(new IllegalStateException("too many outbox checks waiting"));
        }
        pending++;
        List<Request> batch = new ArrayList<>();
        for (int from = 0; from < subscribers.size(); from += CHUNK) {
            List<String> chunk = subscribers.subList(from, Math.min(subscribers.size(), from + CHUNK));
            Request scores = Request.cmd(Command.ZMSCORE).arg(keys.audience(platform, authorId, list));
            Request muted = Request.cmd(Command.SMISMEMBER).arg(keys.mutedBy(platform, authorId));
            chunk.forEach(subscriber -> {
                scores.arg(subscriber);
                muted.arg(subscriber);
            });
            batch.add(scores);
            batch.add(muted);
        }
        return redis.batch(batch).map(replies -> {
            List<String> members = new ArrayList<>();
            for (int i = 0; i < subscribers.size(); i++) {
                int command = 2 * (i / CHUNK);
                Response score = replies.get(command).get(i % CHUNK);
                if (score != null && replies.get(command + 1).get(i % CHUNK).toInteger() == 0) {
                    members.add(subscribers.get(i));
                }
            }
            return members;
        }).onComplete(done -> {
            pending--;
            if (done.failed()) {
                counters.publishFailed("redis", subscribers.size());
            }
        });
    }
}
