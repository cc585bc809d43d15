package io.storycast.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.storycast.gateway.story.Platform;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The process's event counters in the Micrometer registry (so in {@code GET /metrics}). Every label value
 * comes from a fixed set, so the number of series is bounded. Thread-safe: Micrometer counters add without
 * a lock, from any event loop or worker.
 *
 * <p>Prometheus names: {@code storycast_ingest_accepted_total}, {@code storycast_ingest_duplicates_total},
 * {@code storycast_ingest_rejected_total{reason}}, {@code storycast_fanout_delivered_total{platform}},
 * {@code storycast_fanout_dead_lettered_total{reason}}, {@code storycast_fanout_bulk_paced_total},
 * {@code storycast_media_jobs_total{outcome}}.
 */
public final class GatewayCounters {
    /** Why an ingested event, or a whole ingest request, was not accepted. */
    public static final List<String> REJECTION_REASONS = List.of(
            // per event (each line of an NDJSON batch counts)
            "invalid", "forbidden", "unavailable",
            // per request refused before its events were read
            "unauthorized", "overloaded", "unsupported-media-type", "body-too-large", "too-many-events", "empty-body",
            "other");
    /** What became of a media upload. */
    public static final List<String> MEDIA_OUTCOMES = List.of("ready", "failed", "rejected", "too-large", "busy", "conflict",
            "cut-off", "unavailable", "timed-out");
    /** Why the fan-out gave up on a story. */
    public static final List<String> DEAD_LETTER_REASONS = List.of("undecodable", "gave-up");

    private final Counter accepted;
    private final Counter duplicates;
    private final Map<String, Counter> rejected = new ConcurrentHashMap<>();
    private final Map<Platform, Counter> delivered = new EnumMap<>(Platform.class);
    private final Map<String, Counter> deadLettered = new ConcurrentHashMap<>();
    private final Map<String, Counter> mediaJobs = new ConcurrentHashMap<>();
    private final Counter bulkBatchesPaced;

    public GatewayCounters(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        accepted = Counter.builder("storycast.ingest.accepted")
                .description("story events made durable in their stream (HTTP 202, or an accepted line of a batch)")
                .register(registry);
        duplicates = Counter.builder("storycast.ingest.duplicates")
                .description("story events already accepted earlier, answered as duplicates and not enqueued again")
                .register(registry);
        for (String reason : REJECTION_REASONS) {
            rejected.put(reason, Counter.builder("storycast.ingest.rejected")
                    .description("story events not accepted (invalid, forbidden, unavailable: per event), and ingest "
                            + "requests refused before their events were read (the other reasons: per request)")
                    .tag("reason", reason).register(registry));
        }
        for (Platform platform : Platform.values()) {
            delivered.put(platform, Counter.builder("storycast.fanout.delivered")
                    .description("stories whose fan-out to a platform finished: in every tray, or in the outbox")
                    .tag("platform", platform.wireName()).register(registry));
        }
        for (String reason : DEAD_LETTER_REASONS) {
            deadLettered.put(reason, Counter.builder("storycast.fanout.dead.lettered")
                    .description("stories the fan-out gave up on, written to a dead-letter stream")
                    .tag("reason", reason).register(registry));
        }
        bulkBatchesPaced = Counter.builder("storycast.fanout.bulk.paced")
                .description("chunk batches of large audiences sent at the bulk lane's duty cycle because small "
                        + "stories were under way (fanout.bulkDutyCyclePercent)")
                .register(registry);
        for (String outcome : MEDIA_OUTCOMES) {
            mediaJobs.put(outcome, Counter.builder("storycast.media.jobs")
                    .description("media uploads by outcome: ready or failed after transcoding; rejected (422), "
                            + "too-large (413), busy (503), conflict (409), cut-off (the client left), unavailable "
                            + "(503, Redis) or timed-out (408) before it")
                    .tag("outcome", outcome).register(registry));
        }
    }

    public void accepted(int events) {
        accepted.increment(events);
    }

    public void duplicates(int events) {
        duplicates.increment(events);
    }

    /** @param reason one of {@link #REJECTION_REASONS}; an unknown one counts as {@code other} */
    public void rejected(String reason, int count) {
        Counter counter = rejected.get(reason);
        (counter != null ? counter : rejected.get("other")).increment(count);
    }

    public void delivered(Platform platform) {
        delivered.get(platform).increment();
    }

    /** A bulk lane sent a chunk batch at its duty cycle. */
    public void bulkBatchPaced() {
        bulkBatchesPaced.increment();
    }

    /** @param reason one of {@link #DEAD_LETTER_REASONS} */
    public void deadLettered(String reason) {
        Counter counter = deadLettered.get(reason);
        (counter != null ? counter : deadLettered.get("gave-up")).increment();
    }

    /** @param outcome one of {@link #MEDIA_OUTCOMES} */
    public void mediaJob(String outcome) {
        Counter counter = mediaJobs.get(outcome);
        if (counter == null) {
            throw new IllegalArgumentException("unknown media outcome " + outcome);
        }
        counter.increment();
    }
}
