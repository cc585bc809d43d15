package io.storycast.gateway.fanout;

import io.storycast.gateway.metrics.StageRecorder;
import io.storycast.gateway.redis.LuaScript;
import io.storycast.gateway.redis.RedisKeys;
import io.storycast.gateway.story.Audience;
import io.storycast.gateway.story.Platform;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Reads an audience chunk by chunk, in member order, without the subscribers who muted the author (or with
 * them, to link every member to an outbox): one
 * call of {@code audience-chunk.lua} per chunk (its header documents the protocol).
 *
 * <p>Public so that the chunk reads can be measured on their own ({@code bench/}'s {@code FanoutChunkBenchmark});
 * the fan-out's lanes are its only user in the gateway.
 */
public final class AudienceChunks {
    private static final LuaScript SCRIPT = LuaScript.load(AudienceChunks.class, "audience-chunk.lua");

    private final Redis redis;
    private final RedisKeys keys;
    private final StageRecorder lookups;

    /** @param lookups where each chunk read's round trip is recorded */
    public AudienceChunks(Redis redis, RedisKeys keys, StageRecorder lookups) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.lookups = Objects.requireNonNull(lookups, "lookups");
    }

    /**
     * One chunk.
     *
     * @param scanned     audience members read, muted or not; fewer than the chunk size means the audience ends
     * @param last        the last member read: where the next chunk starts; {@code null} when none was read
     * @param subscribers the members read that did not mute the author, in member order
     */
    public record Chunk(int scanned, String last, List<String> subscribers) {
    }

    /**
     * @param after the {@link Chunk#last} of the previous chunk, or {@code null} for the first chunk
     * @param size  most members to read, at least 1
     * @param skipMuted whether to leave out the members who muted the author
     */
    public Future<Chunk> next(Platform platform, String authorId, Audience list, String after, int size, boolean skipMuted) {
        long startNanos = System.nanoTime();
        return SCRIPT.call(redis, request -> request.arg(2)
                        .arg(keys.audience(platform, authorId, list))
                        .arg(keys.mutedBy(platform, authorId))
                        .arg(after == null ? "" : after)
                        .arg(size)
                        .arg(skipMuted ? 1 : 0))
                .onSuccess(reply -> lookups.recordSinceNanos(startNanos))
                .map(AudienceChunks::chunk);
    }

    private static Chunk chunk(Response reply) {
        int scanned = reply.get(0).toInteger();
        Response last = reply.get(1);
        Response kept = reply.get(2);
        List<String> subscribers = new ArrayList<>(kept.size());
        for (Response subscriber : kept) {
            subscribers.add(subscriber.toString());
        }
        return new Chunk(scanned, last == null ? null : last.toString(), subscribers);
    }
}
