package io.storycast.gateway.audience;

import io.storycast.gateway.redis.LuaScript;
import io.storycast.gateway.redis.RedisKeys;
import io.storycast.gateway.redis.StoreUnavailableException;
import io.storycast.gateway.story.Audience;
import io.storycast.gateway.story.Platform;
import io.storycast.gateway.trays.OutboxLinks;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Authors' audiences and mutes in Redis. An audience is a sorted set whose scores are all 0, so its
 * members are ordered by id: a page or a fan-out chunk continues after the last id it saw, which stays
 * valid while members come and go. Adding and removing are idempotent, and keep the members' links to the
 * audience's outbox ({@link OutboxLinks}) complete once it has one.
 */
public final class AudienceStore {
    private static final LuaScript CHANGE = LuaScript.load(AudienceStore.class, "audience-change.lua");
    /** Link writes per batch: well within a connection's waiting slots. */
    private static final int LINKS_PER_BATCH = 256;

    private final Redis redis;
    private final RedisKeys keys;
    private final OutboxLinks links;

    public AudienceStore(Redis redis, RedisKeys keys) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.links = new OutboxLinks(keys);
    }

    /**
     * Adds members; when the audience goes through its outbox (hybrid fan-out), also links their trays to it.
     *
     * @return how many of {@code members} were not members before
     */
    public Future<Long> add(Platform platform, String authorId, Audience list, List<String> members) {
        return change(true, platform, authorId, list, members);
    }

    /**
     * Removes members, and their trays' links to the audience's outbox if it has one.
     *
     * @return how many of {@code members} were members
     */
    public Future<Long> remove(Platform platform, String authorId, Audience list, List<String> members) {
        return change(false, platform, authorId, list, members);
    }

    /**
     * One script changes the audience and answers whether its members are linked to an outbox; then the
     * links of every member named (not only those that changed: a retried request repairs links a failed
     * one left out) are changed in batches of at most {@link #LINKS_PER_BATCH}.
     */
    private Future<Long> change(boolean add, Platform platform, String authorId, Audience list, List<String> members) {
        Future<Response> changed = CHANGE.call(redis, request -> {
            request.arg(2).arg(keys.audience(platform, authorId, list)).arg(keys.outboxLinkState(platform, authorId, list))
                    .arg(add ? "add" : "remove");
            members.forEach(request::arg);
        });
        return StoreUnavailableException.onFailure(changed.compose(reply -> {
            long count = reply.get(0).toLong();
            if (reply.get(1).toInteger() == 0) {
                return Future.succeededFuture(count);
            }
            Future<Void> linked = Future.succeededFuture();
            for (int from = 0; from < members.size(); from += LINKS_PER_BATCH) {
                List<String> slice = members.subList(from, Math.min(members.size(), from + LINKS_PER_BATCH));
                linked = linked.compose(done -> {
                    List<Request> batch = new ArrayList<>(slice.size());
                    links.addChanges(batch, add, platform, slice, list, authorId);
                    return redis.batch(batch).compose(sent -> add ? Future.succeededFuture()
                            : relinkReadded(platform, authorId, list, slice));
                });
            }
            return linked.map(count);
        }));
    }

    /**
     * Links again those of {@code removed} who are members after all: an add on another connection may have
     * re-added and linked one between this removal's script and its unlink. Adds link after they add, so a
     * check made after the unlink sees every add whose link the unlink may have removed.
     */
    private Future<Void> relinkReadded(Platform platform, String authorId, Audience list, List<String> removed) {
        Request scores = Request.cmd(Command.ZMSCORE).arg(keys.audience(platform, authorId, list));
        removed.forEach(scores::arg);
        return redis.send(scores).compose(reply -> {
            List<String> members = new ArrayList<>();
            for (int i = 0; i < removed.size(); i++) {
                if (reply.get(i) != null) {
                    members.add(removed.get(i));
                }
            }
            if (members.isEmpty()) {
                return Future.succeededFuture();
            }
            List<Request> batch = new ArrayList<>(members.size());
            links.addChanges(batch, true, platform, members, list, authorId);
            return redis.batch(batch).mapEmpty();
        });
    }

    /** @return the number of members */
    public Future<Long> count(Platform platform, String authorId, Audience list) {
        return send(Request.cmd(Command.ZCARD).arg(keys.audience(platform, authorId, list))).map(Response::toLong);
    }

    /**
     * @param after the last member of the previous page, or {@code null} for the first page
     * @param limit most members to return, at least 1
     * @return up to {@code limit} members after {@code after}, in id order
     */
    public Future<List<String>> page(Platform platform, String authorId, Audience list, String after, int limit) {
        return send(Request.cmd(Command.ZRANGE).arg(keys.audience(platform, authorId, list))
                        .arg(after == null ? "-" : "(" + after).arg("+").arg("BYLEX").arg("LIMIT").arg(0).arg(limit))
                .map(AudienceStore::strings);
    }

    /** Mutes {@code authorId} for {@code subscriberId} on {@code platform}; idempotent. */
    public Future<Void> mute(Platform platform, String subscriberId, String authorId) {
        return send(Request.cmd(Command.SADD).arg(keys.mutedBy(platform, authorId)).arg(subscriberId)).mapEmpty();
    }

    /** Unmutes; idempotent. */
    public Future<Void> unmute(Platform platform, String subscriberId, String authorId) {
        return send(Request.cmd(Command.SREM).arg(keys.mutedBy(platform, authorId)).arg(subscriberId)).mapEmpty();
    }

    /** Sends one command; a failure becomes a {@link StoreUnavailableException}. */
    private Future<Response> send(Request request) {
        return StoreUnavailableException.onFailure(redis.send(request));
    }

    private static List<String> strings(Response array) {
        List<String> values = new ArrayList<>(array.size());
        for (Response value : array) {
            values.add(value.toString());
        }
        return values;
    }
}
