package io.storycast.gateway.config;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

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
 * @param fanout    the fan-out workers
 * @param trays     subscribers' story trays
 * @param media     story media uploads and transcoding
 * @param metrics   the management listener (Prometheus metrics, latency statistics) and interval logs
 * @param live      live delivery to connected subscribers (SSE, WebSocket)
 * @param shutdown  graceful shutdown
 * @param producers the producers allowed to post stories, each with its key and platforms
 * @param readers   the services allowed to read trays, each with its key and platforms
 * @param admins    the operators allowed to list dead letters, each with its key and the platforms whose
 *                  stories it may see
 */
public record StorycastConfig(
        HttpConfig http,
        RedisConfig redis,
        IngestConfig ingest,
        AudienceConfig audience,
        FanoutConfig fanout,
        TraysConfig trays,
        MediaConfig media,
        MetricsConfig metrics,
        LiveConfig live,
        ShutdownConfig shutdown,
        List<ApiKeyConfig> producers,
        List<ApiKeyConfig> readers,
        List<ApiKeyConfig> admins) {

    public StorycastConfig {
        producers = producers == null ? List.of() : List.copyOf(producers);
        readers = readers == null ? List.of() : List.copyOf(readers);
        admins = admins == null ? List.of() : List.copyOf(admins);
    }

    /** The key of the development producer and reader shipped in the defaults: never to be used in production. */
    public static final String DEVELOPMENT_KEY = "storycast-dev-key";

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
        ConfigException.require(fanout != null, "fanout", "is required");
        ConfigException.require(trays != null, "trays", "is required");
        ConfigException.require(media != null, "media", "is required");
        ConfigException.require(metrics != null, "metrics", "is required");
        ConfigException.require(live != null, "live", "is required");
        ConfigException.require(shutdown != null, "shutdown", "is required");
        http.validate();
        redis.validate();
        ingest.validate();
        audience.validate();
        fanout.validate(redis);
        trays.validate();
        media.validate();
        metrics.validate(http);
        live.validate(http);
        shutdown.validate();
        ConfigException.require(!producers.isEmpty(), "producers", "must name at least one producer");
        validateKeys("producers", producers);
        validateKeys("readers", readers);
        validateKeys("admins", admins);
        return this;
    }

    /** Names and keys are unique within a list; a producer and a reader may share a key (one service, two roles). */
    private static void validateKeys(String listName, List<ApiKeyConfig> clients) {
        Set<String> names = new HashSet<>();
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < clients.size(); i++) {
            ApiKeyConfig client = clients.get(i);
            String path = listName + "[" + i + "]";
            client.validate(path);
            ConfigException.require(names.add(client.name()), path + ".name", "'" + client.name() + "' is used twice");
            ConfigException.require(keys.add(client.key()), path + ".key", "is the same as another key in " + listName);
        }
    }

    /** @return true when a producer, reader or admin still uses the documented development key */
    public boolean usesDevelopmentKey() {
        return producers.stream().anyMatch(producer -> DEVELOPMENT_KEY.equals(producer.key()))
                || readers.stream().anyMatch(reader -> DEVELOPMENT_KEY.equals(reader.key()))
                || admins.stream().anyMatch(admin -> DEVELOPMENT_KEY.equals(admin.key()));
    }
}
