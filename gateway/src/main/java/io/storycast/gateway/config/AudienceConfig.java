package io.storycast.gateway.config;

/**
 * The audience, mute and cross-share APIs.
 *
 * @param bulkChunkSize members written to Redis per command when adding or removing in bulk, 1 to 10000;
 *                      a streamed NDJSON request holds at most about this many members in memory at once;
 *                      default 1000
 * @param maxPageSize   most members one {@code GET} of an audience list returns, 1 to 10000; default 1000
 * @param maxReportedProblems most malformed lines a bulk answer describes one by one (all are counted),
 *                      0 to 10000; default 100
 */
public record AudienceConfig(int bulkChunkSize, int maxPageSize, int maxReportedProblems) {

    void validate() {
        ConfigException.requireRange(bulkChunkSize, 1, 10_000, "audience.bulkChunkSize");
        ConfigException.requireRange(maxPageSize, 1, 10_000, "audience.maxPageSize");
        ConfigException.requireRange(maxReportedProblems, 0, 10_000, "audience.maxReportedProblems");
    }
}
