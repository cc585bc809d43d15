package io.storycast.gateway.config;

/**
 * The fan-out workers, which consume the story streams and write stories into trays.
 *
 * @param enabled             whether this process runs fan-out workers; {@code false} makes an ingest-only
 *                            gateway (another process does the fan-out); default true
 * @param instances           fan-out event loops, each owning a share of the partitions, 0 to 64;
 *                            0 means one per core; default 0
 * @param chunkSize           audience members read, filtered for mutes and written to trays per round trip,
 *                            1 to 10000; default 1000
 * @param chunksInFlight      chunk writes of one story and platform awaiting Redis at once (the next chunk is
 *                            read while the last is written), 1 to 16; default 2
 * @param bulkDutyCyclePercent the share of time a bulk lane (audiences larger than a chunk) may keep a chunk
 *                            batch in Redis while small stories are under way (one began within the last
 *                            100 ms): it sends one batch at a time and pauses after each for its round trip
 *                            times {@code (100 - p) / p}, so the stories' round trips find Redis and the CPU
 *                            free most of the time; with none under way it goes at full speed; 1 to 100,
 *                            100 turns the pacing off; default 25
 * @param maxStoriesInFlight  stories one instance fans out at once; a worker reads no new entries while it is
 *                            at this bound, so a large fan-out holds one slot and small ones use the rest,
 *                            1 to 100000; default 256
 * @param readCount           most stream entries one read takes from a partition, 1 to 1000; default 16
 * @param blockMillis         how long a read waits for new entries, 1 ms to the command timeout less 1;
 *                            default 200
 * @param claimIdleMillis     an entry delivered but unacknowledged for this long is taken over from its
 *                            consumer (crashed, or failed and waiting for a retry), 100 ms to 1 hour;
 *                            default 30000
 * @param claimIntervalMillis how often each worker looks for such entries and tells Redis it still holds the
 *                            entries it works on, 10 ms to half of {@code claimIdleMillis}; default 5000
 * @param deadConsumerIdleMillis a consumer of the group with no pending entry that has been idle (no read,
 *                            no claim) this long is removed ({@code XGROUP DELCONSUMER}): a gateway process
 *                            gone for good, since every process reads under a name of its own; 0 keeps every
 *                            consumer; 0, or {@code claimIdleMillis} to 7 days; default 3600000 (1 hour)
 * @param maxDeliveries       deliveries of an entry before its unfinished stories go to the dead-letter
 *                            stream, 1 to 100; default 5
 * @param outboxThreshold     the hybrid fan-out: a story whose audience on a platform has more members than
 *                            this is written once into the author's outbox, which the members' tray reads
 *                            merge, instead of into every member's tray; 1 to 10^12; default 10000
 * @param awaitMedia          whether a story waits for its media's renditions ({@code PUT /v1/media}) before
 *                            it goes into any tray; a story whose media failed is marked failed with the
 *                            media's problem; default true
 * @param mediaWaitSeconds    how long a story waits for its media to be ready before it is marked failed,
 *                            1 to 86400; default 300
 * @param maxStoriesAwaitingMedia stories per fan-out event loop that wait for their media without holding a
 *                            place among {@code maxStoriesInFlight}, so slow media does not hold back ready
 *                            stories; past it a waiting story keeps its place; 1 to 1000000; default 10000
 * @param consumerName        this process's consumer name in the group; empty means host name and process
 *                            id, so every process gets its own; default ""
 */
public record FanoutConfig(
        boolean enabled,
        int instances,
        int chunkSize,
        int chunksInFlight,
        int bulkDutyCyclePercent,
        int maxStoriesInFlight,
        int readCount,
        long blockMillis,
        long claimIdleMillis,
        long claimIntervalMillis,
        long deadConsumerIdleMillis,
        int maxDeliveries,
        long outboxThreshold,
        boolean awaitMedia,
        int mediaWaitSeconds,
        int maxStoriesAwaitingMedia,
        String consumerName) {

    void validate(RedisConfig redis) {
        ConfigException.requireRange(instances, 0, 64, "fanout.instances");
        ConfigException.requireRange(chunkSize, 1, 10_000, "fanout.chunkSize");
        ConfigException.requireRange(chunksInFlight, 1, 16, "fanout.chunksInFlight");
        ConfigException.requireRange(bulkDutyCyclePercent, 1, 100, "fanout.bulkDutyCyclePercent");
        ConfigException.requireRange(maxStoriesInFlight, 1, 100_000, "fanout.maxStoriesInFlight");
        ConfigException.requireRange(readCount, 1, 1000, "fanout.readCount");
        // A blocked read must answer before the command timeout, or it would be taken for a dead link.
        ConfigException.requireRange(blockMillis, 1, redis.commandTimeoutMillis() - 1, "fanout.blockMillis");
        ConfigException.requireRange(claimIdleMillis, 100, 3_600_000, "fanout.claimIdleMillis");
        // Each look also tells Redis the worker still holds its entries, so it must come well within the idle time.
        ConfigException.requireRange(claimIntervalMillis, 10, claimIdleMillis / 2, "fanout.claimIntervalMillis");
        // A consumer's entries are taken over after claimIdleMillis; it is not counted gone before that.
        if (deadConsumerIdleMillis != 0) {
            ConfigException.requireRange(deadConsumerIdleMillis, claimIdleMillis, 604_800_000L, "fanout.deadConsumerIdleMillis");
        }
        ConfigException.requireRange(maxDeliveries, 1, 100, "fanout.maxDeliveries");
        ConfigException.requireRange(outboxThreshold, 1, 1_000_000_000_000L, "fanout.outboxThreshold");
        ConfigException.requireRange(mediaWaitSeconds, 1, 86_400, "fanout.mediaWaitSeconds");
        ConfigException.requireRange(maxStoriesAwaitingMedia, 1, 1_000_000, "fanout.maxStoriesAwaitingMedia");
        ConfigException.require(consumerName != null && consumerName.matches("[A-Za-z0-9_.:-]{0,64}"),
                "fanout.consumerName", "must be 0 to 64 of A-Z a-z 0-9 _ . : -");
    }

    /** @return the number of fan-out event loops: {@code instances}, or the number of cores when 0 */
    public int resolvedInstances() {
        return instances > 0 ? instances : Runtime.getRuntime().availableProcessors();
    }
}
