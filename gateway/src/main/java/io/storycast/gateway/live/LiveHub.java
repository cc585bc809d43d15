package io.storycast.gateway.live;

import io.storycast.gateway.config.LiveConfig;
import io.storycast.gateway.config.StorycastConfig;
import io.storycast.gateway.metrics.LiveCounters;
import io.storycast.gateway.metrics.ProcessMetrics;
import io.storycast.gateway.redis.PipelinedRedis;
import io.storycast.gateway.redis.RedisClients;
import io.storycast.gateway.redis.RedisKeys;
import io.storycast.gateway.story.Platform;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A gateway process's side of live delivery, one per process, on an event loop of its own: which subscribers this
 * process holds connections of (registered in the {@link LiveRegistry} and renewed every third of the lease), the
 * subscription to the process's channels ({@link LiveSubscription}), and the routing of what arrives there to the
 * connections, each on its own HTTP event loop ({@link LiveLoop}). Everything about who is connected happens on the
 * hub's event loop, in the order it was asked for, so a connection's registration and another's release for the
 * same subscriber reach Redis in that order.
 *
 * <p>What arrives: a story for some of this process's subscribers (routed by id: work per connected subscriber
 * only); a story that went into a large audience's outbox (this process's subscribers on that platform are checked
 * against the audience and its mutes, {@link OutboxMembers}: work per connected subscriber, never per member); a
 * retraction (each event loop tells the connections that were sent the story, and drops the pushes of it they hold).
 * A push that arrives after its story's retraction, or that a connection still holds or queues then, is not sent:
 * the hub remembers the last minute's retractions ({@link RetractedStories}) and is asked before a push is handed
 * over, queued and written.
 */
public final class LiveHub extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(LiveHub.class);
    /** How often the hub takes one step of the registry's sweep, ms: the platform × shard sets in turn, one step each time. */
    static final long SWEEP_INTERVAL_MILLIS = 1000;

    private final StorycastConfig config;
    private final LiveConfig live;
    private final String redisUrl;
    private final String instance;
    private final RedisKeys keys;
    private final LiveCounters counters;
    private final ProcessMetrics metrics;
    private final AtomicInteger open = new AtomicInteger();
    private final List<LiveLoop> loops = new CopyOnWriteArrayList<>();
    /** On the hub's event loop only: per platform and subscriber, this process's connections. */
    private final Map<Platform, Map<String, Holders>> holders = new EnumMap<>(Platform.class);
    /** Written on the hub's event loop, read by the connections' (a push after its story's retraction is not sent). */
    private final RetractedStories retracted = new RetractedStories(RetractedStories.DEFAULT_CAPACITY,
            RetractedStories.DEFAULT_MAX_AGE_NANOS, System::nanoTime);

    private PipelinedRedis redis;
    private LiveRegistry registry;
    private LiveSubscription subscription;
    private OutboxMembers outboxMembers;
    private long renewTimer = -1;
    private long sweepTimer = -1;
    /**
     * Set when the hub begins to stop, on its event loop: the HTTP loops stop at the same time (Vert.x undeploys every
     * verticle at once), so a connection may still attach or detach after the registrations were listed for release.
     */
    private boolean stopping;

    /** This process's connections of one subscriber, and the registration that makes them reachable. */
    private static final class Holders {
        final List<LiveSession> sessions = new ArrayList<>(1);
        Future<Void> registered;
    }

    /** @param instance this process's instance id, unique among the processes on one Redis: {@code A-Z a-z 0-9 _ . : -} */
    public LiveHub(StorycastConfig config, String redisUrl, String instance, ProcessMetrics metrics) {
        this.config = Objects.requireNonNull(config, "config");
        this.live = config.live();
        this.redisUrl = Objects.requireNonNull(redisUrl, "redisUrl");
        this.instance = Objects.requireNonNull(instance, "instance");
        this.keys = RedisKeys.of(config);
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.counters = metrics.live();
        for (Platform platform : Platform.values()) {
            holders.put(platform, new HashMap<>());
        }
    }

    /**
     * Subscribes to this process's channels and starts renewing and sweeping the registry, when this process serves
     * live connections ({@code live.tokenSecret} set). Without a secret it starts nothing (no Redis connection, no
     * timer): its routes only refuse, and its fan-out publishes through {@link LivePublisher}, which needs no hub.
     */
    @Override
    public Future<?> start() {
        if (!live.serves()) {
            return Future.succeededFuture();
        }
        redis = RedisClients.createPipelined(vertx, config.redis(), redisUrl, config.redis().maxPendingCommandsPerConnection(),
                metrics.latencies().redisRoundTrip());
        long leaseMillis = TimeUnit.SECONDS.toMillis(live.leaseSeconds());
        registry = new LiveRegistry(keys, instance, leaseMillis, System::currentTimeMillis);
        outboxMembers = new OutboxMembers(redis, keys, counters, live.maxPendingLookups());
        renewTimer = vertx.setPeriodic(leaseMillis / 3, tick -> renew());
        RegistrySweep sweep = new RegistrySweep(registry, redis, keys.liveShards());
        sweepTimer = vertx.setPeriodic(SWEEP_INTERVAL_MILLIS, tick -> sweep.step());
        subscription = new LiveSubscription(vertx, config.redis(), redisUrl,
                List.of(keys.liveInstanceChannel(instance), keys.liveBroadcastChannel()), this::received, lost -> {
            loops.forEach(loop -> loop.cutOffAll("subscription-lost"));
        });
        // Not fatal: until the subscription is made, live connections are refused with 503 and it is retried.
        return subscription.start().timeout(2L * config.redis().commandTimeoutMillis(), TimeUnit.MILLISECONDS)
                .recover(failure -> Future.succeededFuture());
    }

    @Override
    public Future<?> stop() {
        stopping = true;
        if (renewTimer != -1) {
            vertx.cancelTimer(renewTimer);
        }
        if (sweepTimer != -1) {
            vertx.cancelTimer(sweepTimer);
        }
        if (subscription == null) {
            return Future.succeededFuture();
        }
        // Give every registration up before the connection to Redis goes: else the fan-out keeps publishing this
        // process's pushes into a channel nobody reads until each lease ends (live.leaseSeconds). Bounded by the
        // command timeout, and best effort: a lease that is not given up still ends.
        List<LiveRegistry.Subscriber> held = heldSubscribers();
        Future<Void> released = held.isEmpty() ? Future.succeededFuture() : registry.releaseAll(redis, held)
                .onFailure(failure -> LOG.warn("live: could not give {} registrations up at the stop ({}); they end with "
                        + "their lease", held.size(), failure.toString()));
        return released.eventually(subscription::close).eventually(redis::close);
    }

    /** @return this process's instance id: the name of its channel and of its registrations */
    public String instance() {
        return instance;
    }

    /** @return whether live connections can be served now: the process receives what is published for them */
    boolean ready() {
        return subscription != null && subscription.subscribed();
    }

    /** Takes a place among {@code live.maxConnections}; any thread. @return false when every place is taken */
    boolean tryOpen() {
        while (true) {
            int now = open.get();
            if (now >= live.maxConnections()) {
                return false;
            }
            if (open.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    /** Gives a place taken by {@link #tryOpen} back; any thread. */
    void closed() {
        open.decrementAndGet();
    }

    void addLoop(LiveLoop loop) {
        loops.add(loop);
    }

    void removeLoop(LiveLoop loop) {
        loops.remove(loop);
    }

    /**
     * Makes the session reachable: this process holds it, and the registry names this process for its subscriber.
     * Called on the session's event loop; the answer comes back there, once Redis holds the registration.
     */
    Future<Void> attach(LiveSession session) {
        Promise<Void> attached = Promise.promise();
        context.runOnContext(v -> {
            if (stopping) {
                // Registering now would outlive the release of the stop by a whole lease.
                attached.fail(new IllegalStateException("live delivery is stopping"));
                return;
            }
            Holders held = holders.get(session.platform()).computeIfAbsent(session.subscriberId(), id -> new Holders());
            held.sessions.add(session);
            if (held.registered == null || held.registered.failed()) {
                held.registered = registry.register(redis, session.subscriber());
            }
            held.registered.onComplete(done -> session.loop().context().runOnContext(back -> attached.handle(done)));
        });
        return attached.future();
    }

    /** Forgets the session; the last one of its subscriber gives the registration up. Any thread. */
    void detach(LiveSession session) {
        context.runOnContext(v -> {
            Map<String, Holders> byId = holders.get(session.platform());
            Holders held = byId.get(session.subscriberId());
            if (held == null || !held.sessions.remove(session) || !held.sessions.isEmpty()) {
                return;
            }
            byId.remove(session.subscriberId());
            if (!stopping) { // the stop releases every registration at once
                registry.release(redis, session.subscriber()); // best effort: the lease ends anyway
            }
        });
    }

    private void renew() {
        List<LiveRegistry.Subscriber> all = heldSubscribers();
        if (!all.isEmpty()) {
            registry.renew(redis, all).onFailure(failure ->
                    LOG.warn("live: could not renew {} registrations: {}", all.size(), failure.toString()));
        }
    }

    /** @return every subscriber this process holds a live connection of, as registered */
    private List<LiveRegistry.Subscriber> heldSubscribers() {
        List<LiveRegistry.Subscriber> all = new ArrayList<>();
        holders.forEach((platform, byId) -> byId.keySet().forEach(id -> all.add(new LiveRegistry.Subscriber(platform, id))));
        return all;
    }

    private void received(Buffer payload) {
        JsonObject message;
        try {
            message = new JsonObject(payload);
        } catch (RuntimeException notJson) {
            LOG.warn("live: a message on this process's channels is not JSON; ignored");
            return;
        }
        String type = message.getString("type", "");
        switch (type) {
            case LiveMessages.STORY -> {
                LivePush push = LiveMessages.push(message);
                JsonArray to = message.getJsonArray("to");
                if (push == null || to == null) {
                    LOG.warn("live: a story message without its story or its subscribers ignored");
                } else {
                    deliver(push, to.getList());
                }
            }
            case LiveMessages.OUTBOX -> {
                LivePush push = LiveMessages.push(message);
                Map<String, Holders> byId = push == null ? Map.of() : holders.get(push.platform());
                if (!byId.isEmpty()) {
                    outboxMembers.check(push.platform(), message.getString("authorId"), message.getString("list"),
                            new ArrayList<>(byId.keySet())).onSuccess(members -> deliver(push, members));
                }
            }
            case LiveMessages.RETRACT -> {
                String member = message.getString("member");
                if (member != null) {
                    retracted.add(member); // before the loops hear of it: what they check from then on
                    loops.forEach(loop -> loop.retract(member));
                }
            }
            default -> LOG.warn("live: unknown message type '{}' ignored", type);
        }
    }

    /** @return whether the story was retracted lately ({@link RetractedStories}); any thread */
    boolean retracted(String member) {
        return retracted.contains(member);
    }

    /** Hands the push to the connections of {@code subscriberIds}, one hand-over per event loop, unless it was retracted. */
    private void deliver(LivePush push, List<?> subscriberIds) {
        if (retracted.contains(push.member())) {
            return; // published before the retraction reached this process, which heard of it first
        }
        Map<String, Holders> byId = holders.get(push.platform());
        Map<LiveLoop, List<LiveSession>> byLoop = new IdentityHashMap<>();
        int missing = 0;
        for (Object id : subscriberIds) {
            Holders held = byId.get(String.valueOf(id));
            if (held == null) {
                missing++;
                continue;
            }
            for (LiveSession session : held.sessions) {
                byLoop.computeIfAbsent(session.loop(), loop -> new ArrayList<>()).add(session);
            }
        }
        if (missing > 0) {
            counters.undeliverable(missing);
        }
        byLoop.forEach((loop, sessions) -> loop.deliver(sessions, push));
    }
}
