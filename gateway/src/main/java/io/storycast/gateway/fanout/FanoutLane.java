package io.storycast.gateway.fanout;

import io.vertx.redis.client.Redis;

import java.util.Objects;

/**
 * A lane of the fan-out: a pipelined connection, the bound on the commands its batches may hold unanswered
 * on it, and the chunking that fills those batches. A worker has two: the express lane takes every
 * audience that fits in one chunk (and every story's other commands), the bulk lane takes the larger
 * ones, so a small story's batch never waits in a connection's queue behind a large fan-out's chunks.
 * Redis serves the two connections in turn, so the express lane's wait is a slice of a bulk batch at
 * most.
 *
 * @param redis           the lane's connection
 * @param pendingCommands unanswered commands its batches may hold; a batch waits for permits for all its
 *                        commands, so the connection's queue never overflows
 * @param chunks          reads audience chunks over {@code redis}
 * @param chunkSize       audience members per chunk, at least 1
 * @param chunksInFlight  chunk batches of one story and platform awaiting Redis at once, at least 1
 */
record FanoutLane(Redis redis, Permits pendingCommands, AudienceChunks chunks, int chunkSize, int chunksInFlight) {
    FanoutLane {
        Objects.requireNonNull(redis, "redis");
        Objects.requireNonNull(pendingCommands, "pendingCommands");
        Objects.requireNonNull(chunks, "chunks");
    }
}
