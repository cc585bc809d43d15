package io.storycast.gateway.config;

/**
 * Subscribers' story trays.
 *
 * @param maxStories  most stories a tray keeps, newest first; older ones are trimmed, 1 to 100000;
 *                    default 1000
 * @param maxPageSize most stories one tray read returns, 1 to 1000; default 100
 */
public record TraysConfig(int maxStories, int maxPageSize) {

    void validate() {
        ConfigException.requireRange(maxStories, 1, 100_000, "trays.maxStories");
        ConfigException.requireRange(maxPageSize, 1, 1000, "trays.maxPageSize");
    }
}
