package io.storycast.gateway.fanout;

import io.vertx.redis.client.Redis;

import java.util.Objects;

/**
 * A lane of the fan-out: a pipelined connection, the bound on the commands its batches may hold unanswered
 * on it, the chunking that fills those batches and the pace they go at. A worker has two: the express lane
 * takes every audience that fits in one chunk (and every story's other commands), the bulk lane takes the
 * larger ones. So a small story's batch never waits in a connection's queue behind a large fan-out's
 * chunks, and while small stories are under way the bulk lane keeps to its duty cycle ({@link LanePacer}),
 * leaving Redis and the CPU to them the rest of the time.
 *
 * @param redis           the lane's connection
 * @param pendingCommands unanswered commands its batches may hold; a batch waits for permits for all its
 *                        commands, so the connection's queue never overflows
 * @param chunks          reads audience chunks over {@code redis}
 * @param chunkSize       audience members per chunk, at least 1
 * @param chunksInFlight  chunk batches of one story and platform built or awaiting Redis at once, at least 1
 * @param pacer           when each chunk batch may go: {@link LanePacer#unpaced()} for the express lane
 */
record FanoutLane(Redis redis, Permits pendingCommands, AudienceChunks chunks, int chunkSize, int chunksInFlight,
                  LanePacer pacer) {
    FanoutLane {
        Objects.requireNonNull(redis, "redis");
        Objects.requireNonNull(pendingCommands, "pendingCommands");
        Objects.requireNonNull(chunks, "chunks");
        Objects.requireNonNull(pacer, "pacer");
    }
}
