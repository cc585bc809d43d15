package io.storycast.gateway.config;

/**
 * Subscribers' story trays.
 *
 * @param maxStories  most stories a tray keeps, newest first; older ones are trimmed, 1 to 100000;
 *                    default 1000
 * @param maxPageSize most stories one tray read returns, 1 to 1000; default 100
 * @param sweepKeysPerStep    trays the janitor looks at per step (the SCAN COUNT hint), 1 to 100000;
 *                            default 1000
 * @param sweepIntervalMillis pause between the janitor's steps, 10 ms to 1 hour; default 100, so about
 *                            10,000 trays a second (of all the processes on one Redis: one sweeps at a time)
 * @param sweepLeaseMillis    how long the lease that lets one process sweep lasts unless its holder renews
 *                            it (at each step); once a holder stops, another process takes over within this
 *                            time; 2 x {@code sweepIntervalMillis} to 2 hours; default 5000
 */
public record TraysConfig(int maxStories, int maxPageSize, int sweepKeysPerStep, long sweepIntervalMillis,
                          long sweepLeaseMillis) {

    void validate() {
        ConfigException.requireRange(maxStories, 1, 100_000, "trays.maxStories");
        ConfigException.requireRange(maxPageSize, 1, 1000, "trays.maxPageSize");
        ConfigException.requireRange(sweepKeysPerStep, 1, 100_000, "trays.sweepKeysPerStep");
        ConfigException.requireRange(sweepIntervalMillis, 10, 3_600_000, "trays.sweepIntervalMillis");
        // Renewed at each step: it must outlast the pause between two steps, with room for the step itself.
        ConfigException.requireRange(sweepLeaseMillis, 2 * sweepIntervalMillis, 7_200_000, "trays.sweepLeaseMillis");
    }
}
