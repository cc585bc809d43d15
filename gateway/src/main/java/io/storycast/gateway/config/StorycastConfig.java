package io.storycast.gateway.config;

import java.util.List;

/**
 * The whole typed configuration of a gateway process. Read by {@link ConfigLoader} from the shipped
 * defaults, an optional JSON file and {@code STORYCAST_*} environment variables, in that order of
 * precedence (later wins), then checked by {@link #validate()}. Every key and its default is listed in
 * the README's configuration table.
 *
 * @param http      the HTTP server
 * @param redis     the Redis connection, or the embedded Redis when no URL is set
 * @param ingest    the story ingest rules and limits
 * @param audience  the audience, mute and cross-share APIs
 * @param shutdown  graceful shutdown
 * @param producers the producers allowed to post stories, each with its key and platforms
 */
public record StorycastConfig(
        HttpConfig http,
        RedisConfig redis,
        IngestConfig ingest,
        AudienceConfig audience,
        ShutdownConfig shutdown,
        List<ProducerConfig> producers) {

    public StorycastConfig {
        producers = producers == null ? List.of() : List.copyOf(producers);
    }

    /** The key of the development producer shipped in the defaults: never to be used in production. */
    public static final String DEVELOPMENT_PRODUCER_KEY = "storycast-dev-key";

    /**
     * Checks every value against its valid range.
     *
     * @throws ConfigException naming the first key whose value is out of range
     */
    public StorycastConfig validate() {
        ConfigException.require(http != null, "http", "is required");
        ConfigException.require(redis != null, "redis", "is required");
        ConfigException.require(ingest != null, "ingest", "is required");
        ConfigException.require(audience != null, "audience", "is required");
        ConfigException.require(shutdown != null, "shutdown", "is required");
        http.validate();
        redis.validate();
        ingest.validate();
        audience.validate();
        shutdown.validate();
        ConfigException.require(!producers.isEmpty(), "producers", "must name at least one producer");
        java.util.Set<String> names = new java.util.HashSet<>();
        java.util.Set<String> keys = new java.util.HashSet<>();
        for (int i = 0; i < producers.size(); i++) {
            ProducerConfig producer = producers.get(i);
            String path = "producers[" + i + "]";
            producer.validate(path);
            ConfigException.require(names.add(producer.name()), path + ".name", "'" + producer.name() + "' is used twice");
            ConfigException.require(keys.add(producer.key()), path + ".key", "is the same as another producer's key");
        }
        return this;
    }

    /** @return true when a producer still uses the documented development key */
    public boolean usesDevelopmentProducerKey() {
        return producers.stream().anyMatch(producer -> DEVELOPMENT_PRODUCER_KEY.equals(producer.key()));
    }
}
