package io.storycast.gateway.fanout;

import io.storycast.gateway.redis.LuaScript;
import io.storycast.gateway.redis.RedisKeys;
import io.storycast.gateway.story.Audience;
import io.storycast.gateway.story.Platform;
import io.storycast.gateway.story.StoryEvent;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Response;

import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Chooses how a story goes to one platform, the hybrid fan-out: pushed into every tray while the audience
 * has at most {@code fanout.outboxThreshold} members, otherwise written once into the audience's outbox
 * (which this call does, in the same round trip). One call of {@code outbox-route.lua} per story and
 * platform; its header documents the protocol.
 */
final class OutboxRoute {
    private static final LuaScript SCRIPT = LuaScript.load(OutboxRoute.class, "outbox-route.lua");

    private final Redis redis;
    private final RedisKeys keys;
    private final long threshold;
    private final int outboxCap;
    private final long maxStoryAgeMillis;
    private final LongSupplier clockMillis;

    /**
     * The route of one story to one platform.
     *
     * @param route        push or outbox
     * @param audienceSize the audience's members when the route was chosen, at least 0
     * @param linked       for the outbox route: whether every member's tray is already linked to the outbox
     */
    record Decision(TargetProgress.Route route, long audienceSize, boolean linked) {
    }

    /**
     * @param threshold         an audience with more members than this goes through its outbox, at least 1
     * @param outboxCap         most stories an outbox keeps (the tray cap)
     * @param maxStoryAgeMillis the oldest a story can be and still live: older outbox entries are trimmed
     */
    OutboxRoute(Redis redis, RedisKeys keys, long threshold, int outboxCap, long maxStoryAgeMillis,
                LongSupplier clockMillis) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.threshold = threshold;
        this.outboxCap = outboxCap;
        this.maxStoryAgeMillis = maxStoryAgeMillis;
        this.clockMillis = Objects.requireNonNull(clockMillis, "clockMillis");
    }

    /**
     * @param earlier the route an earlier delivery of the story recorded, kept so a story never changes
     *                route half-way; {@code null} to choose by the audience's size now
     */
    Future<Decision> decide(StoryEvent story, Platform target, Audience list, TargetProgress.Route earlier) {
        return SCRIPT.call(redis, request -> request.arg(3)
                        .arg(keys.audience(target, story.authorId(), list))
                        .arg(keys.outbox(target, story.authorId(), list))
                        .arg(keys.outboxLinkState(target, story.authorId(), list))
                        .arg(threshold)
                        .arg(RedisKeys.trayMember(story.platform(), story.storyId()))
                        .arg(story.createdAtMillis())
                        .arg(story.expiresAtMillis())
                        .arg(clockMillis.getAsLong())
                        .arg(maxStoryAgeMillis)
                        .arg(outboxCap)
                        .arg(earlier == null ? "" : earlier.wireName()))
                .map(OutboxRoute::decision);
    }

    private static Decision decision(Response reply) {
        boolean push = "push".equals(reply.get(0).toString());
        return new Decision(push ? TargetProgress.Route.PUSH : TargetProgress.Route.OUTBOX, reply.get(1).toLong(),
                !push && "linked".equals(reply.get(2).toString()));
    }
}
