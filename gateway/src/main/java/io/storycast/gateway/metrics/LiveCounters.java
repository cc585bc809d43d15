package io.storycast.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The live delivery's meters in the process's registry (so in {@code GET /metrics}). Every label value comes
 * from a fixed set. Thread-safe: Micrometer counters add without a lock, the gauges read atomics.
 *
 * <p>Prometheus names: {@code storycast_live_connections{transport}}, {@code storycast_live_pushes_total{kind}},
 * {@code storycast_live_cutoffs_total{reason}}, {@code storycast_live_refused_total{reason}},
 * {@code storycast_live_published_total{kind}}, {@code storycast_live_publish_failures_total{reason}},
 * {@code storycast_live_undeliverable_total}.
 */
public final class LiveCounters {
    /** How a subscriber is connected. */
    public static final List<String> TRANSPORTS = List.of("sse", "websocket");
    /** What was written to a connection, or published. */
    public static final List<String> KINDS = List.of("story", "outbox", "retract");
    /** Why the gateway closed a connection: it read too slowly, the process could not keep up, or the process's
     *  subscription to Redis broke (pushes may have been missed: the client resumes). */
    public static final List<String> CUTOFF_REASONS = List.of("slow-client", "overloaded", "subscription-lost", "shutdown");
    /** Why a connection was refused. */
    public static final List<String> REFUSAL_REASONS = List.of("unauthorized", "forbidden", "invalid", "not-configured",
            "too-many-connections", "unavailable");
    /** Why a push was not published: too many lookups waiting, or Redis failed the lookup or the publish. */
    public static final List<String> PUBLISH_FAILURE_REASONS = List.of("busy", "redis");

    private final Map<String, AtomicInteger> connections = new ConcurrentHashMap<>();
    private final Map<String, Counter> pushes = new ConcurrentHashMap<>();
    private final Map<String, Counter> cutoffs = new ConcurrentHashMap<>();
    private final Map<String, Counter> refused = new ConcurrentHashMap<>();
    private final Map<String, Counter> published = new ConcurrentHashMap<>();
    private final Map<String, Counter> publishFailures = new ConcurrentHashMap<>();
    private final Counter undeliverable;

    public LiveCounters(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        for (String transport : TRANSPORTS) {
            AtomicInteger open = new AtomicInteger();
            connections.put(transport, open);
            Gauge.builder("storycast.live.connections", open, AtomicInteger::get)
                    .description("live connections open on this process (SSE, WebSocket), subscribed or being set up")
                    .tag("transport", transport).register(registry);
        }
        for (String kind : KINDS) {
            pushes.put(kind, Counter.builder("storycast.live.pushes")
                    .description("events written to live connections: story (pushed into a tray), outbox (a large "
                            + "audience's story) or retract")
                    .tag("kind", kind).register(registry));
            published.put(kind, Counter.builder("storycast.live.published")
                    .description("messages this process published for live connections (one per chunk and process "
                            + "holding connections of it, or one per outbox story or retraction for every process)")
                    .tag("kind", kind).register(registry));
        }
        register(cutoffs, CUTOFF_REASONS, "storycast.live.cutoffs", "reason",
                "live connections the gateway closed, with a resume hint (the client resumes and loses nothing)", registry);
        register(refused, REFUSAL_REASONS, "storycast.live.refused", "reason",
                "live connections refused: 401, 403, 400, 503 (no token secret, connection limit, Redis)", registry);
        register(publishFailures, PUBLISH_FAILURE_REASONS, "storycast.live.publish.failures", "reason",
                "pushes not published: too many lookups waiting (busy) or Redis failed (redis); the tray has the "
                        + "story, a resumed connection gets it", registry);
        undeliverable = Counter.builder("storycast.live.undeliverable")
                .description("pushes that reached this process for a subscriber no longer connected to it (a "
                        + "registration outliving its connection by at most the lease)")
                .register(registry);
    }

    private static void register(Map<String, Counter> into, List<String> values, String name, String tag,
                                 String description, MeterRegistry registry) {
        for (String value : values) {
            into.put(value, Counter.builder(name).description(description).tag(tag, value).register(registry));
        }
    }

    /** @param transport one of {@link #TRANSPORTS} */
    public void connectionOpened(String transport) {
        connections.get(transport).incrementAndGet();
    }

    /** @param transport one of {@link #TRANSPORTS} */
    public void connectionClosed(String transport) {
        connections.get(transport).decrementAndGet();
    }

    /** @param kind one of {@link #KINDS} */
    public void pushed(String kind) {
        pushes.get(kind).increment();
    }

    /** @param kind one of {@link #KINDS} */
    public void published(String kind) {
        published.get(kind).increment();
    }

    /** @param reason one of {@link #CUTOFF_REASONS} */
    public void cutOff(String reason) {
        cutoffs.get(reason).increment();
    }

    /** @param reason one of {@link #REFUSAL_REASONS} */
    public void refused(String reason) {
        refused.get(reason).increment();
    }

    /** @param reason one of {@link #PUBLISH_FAILURE_REASONS} */
    public void publishFailed(String reason, int pushes) {
        publishFailures.get(reason).increment(pushes);
    }

    public void undeliverable(int pushes) {
        undeliverable.increment(pushes);
    }
}
