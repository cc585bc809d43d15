package io.storycast.gateway.config;

/** A configuration value that stops start-up; the message names the key. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String key;

    public ConfigException(String key, String problem) {
        super("configuration key '" + key + "' " + problem);
        this.key = key;
    }

    /** @return the dotted key path, e.g. {@code http.port} */
    public String key() {
        return key;
    }

    static void require(boolean condition, String key, String problem) {
        if (!condition) {
            throw new ConfigException(key, problem);
        }
    }

    static void requireRange(long value, long min, long max, String key) {
        if (value < min || value > max) {
            throw new ConfigException(key, "must be between " + min + " and " + max + ", was " + value);
        }
    }
}
