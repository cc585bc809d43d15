package io.storycast.gateway.config;

/**
 * Story ingest rules and limits.
 *
 * @param streamPartitions        Redis Streams the events are spread over by a hash of the author, 1 to 1024;
 *                                changing it moves authors between partitions, so set it once; default 16
 * @param maxBatchEvents          most events in one NDJSON request, 1 to 100000; past it 413; default 1000
 * @param maxCaptionLength        longest caption in Unicode code points, 0 to 100000; default 2200
 * @param maxStoryLifetimeSeconds longest {@code expiresAt - createdAt} in seconds, 60 s to 30 days; also the
 *                                default lifetime when an event has no {@code expiresAt}; default 86400 (24 h)
 * @param maxClockSkewSeconds     how far in the future {@code createdAt} may lie, 0 to 86400; default 300
 * @param retryAfterSeconds       the {@code Retry-After} sent with 429 and 503, 1 to 3600; default 1
 */
public record IngestConfig(
        int streamPartitions,
        int maxBatchEvents,
        int maxCaptionLength,
        long maxStoryLifetimeSeconds,
        long maxClockSkewSeconds,
        int retryAfterSeconds) {

    void validate() {
        ConfigException.requireRange(streamPartitions, 1, 1024, "ingest.streamPartitions");
        ConfigException.requireRange(maxBatchEvents, 1, 100_000, "ingest.maxBatchEvents");
        ConfigException.requireRange(maxCaptionLength, 0, 100_000, "ingest.maxCaptionLength");
        ConfigException.requireRange(maxStoryLifetimeSeconds, 60, 30L * 86_400, "ingest.maxStoryLifetimeSeconds");
        ConfigException.requireRange(maxClockSkewSeconds, 0, 86_400, "ingest.maxClockSkewSeconds");
        ConfigException.requireRange(retryAfterSeconds, 1, 3600, "ingest.retryAfterSeconds");
    }

    /**
     * @return the oldest a story can be and still live, milliseconds: the longest lifetime plus the allowed
     *         clock skew (a story may be created that far in the future); trays drop anything older
     */
    public long maxStoryAgeMillis() {
        return 1000 * (maxStoryLifetimeSeconds + maxClockSkewSeconds);
    }
}
