package io.storycast.gateway.live;

import io.storycast.gateway.config.LiveConfig;
import io.storycast.gateway.config.StorycastConfig;
import io.storycast.gateway.metrics.LiveCounters;
import io.storycast.gateway.metrics.ProcessMetrics;
import io.storycast.gateway.metrics.StageLatencies;
import io.storycast.gateway.trays.TrayReader;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The live connections of one HTTP event loop: their routes, their heartbeats, and the hand-over of pushes from the
 * hub's event loop to theirs. The hand-over is a queue bounded by {@code live.maxWaitingDeliveries} deliveries
 * (one per connection a push goes to), drained in one task however many arrive meanwhile; a push that finds it full
 * cuts its connections off with a resume hint (reason {@code overloaded}), so an event loop that falls behind loses
 * nothing and holds nothing without bound.
 *
 * <p>{@link #deliver}, {@link #retract} and {@link #cutOffAll} may be called from any thread; everything else runs
 * on this event loop.
 */
public final class LiveLoop {
    private final LiveHub hub;
    private final Vertx vertx;
    private final Context context;
    private final LiveConfig config;
    private final LiveCounters counters;
    private final StageLatencies stages;
    private final TrayReader trays;
    private final int pageSize;
    private final LiveTokens tokens;
    private final Set<LiveSession> sessions = new HashSet<>();
    private final Queue<Delivery> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Set<LiveSession> overflowed = ConcurrentHashMap.newKeySet();
    private long heartbeatTimer = -1;

    private record Delivery(List<LiveSession> sessions, LivePush push) {
    }

    /**
     * @param context the HTTP event loop's context, which every connection of this loop runs on
     * @param trays   the event loop's tray reader, for resumed connections
     */
    public LiveLoop(LiveHub hub, Vertx vertx, Context context, StorycastConfig config, ProcessMetrics metrics, TrayReader trays) {
        this.hub = Objects.requireNonNull(hub, "hub");
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.context = Objects.requireNonNull(context, "context");
        this.config = config.live();
        this.counters = metrics.live();
        this.stages = metrics.latencies();
        this.trays = Objects.requireNonNull(trays, "trays");
        this.pageSize = config.trays().maxPageSize();
        this.tokens = this.config.serves() ? new LiveTokens(vertx, this.config.tokenSecret()) : null;
    }

    /** Joins the hub and starts the heartbeats; call on this event loop. */
    public void start() {
        hub.addLoop(this);
        long idleNanos = TimeUnit.SECONDS.toNanos(config.heartbeatSeconds());
        // Looked at every second (or every half heartbeat, when shorter): an idle connection hears within a second of it.
        heartbeatTimer = vertx.setPeriodic(Math.min(1000, config.heartbeatSeconds() * 500L), tick -> {
            long now = System.nanoTime();
            sessions.forEach(session -> session.heartbeatIfIdle(now, idleNanos));
        });
    }

    /** Cuts every connection off (clients reconnect to another process) and leaves the hub; call on this event loop. */
    public void stop() {
        vertx.cancelTimer(heartbeatTimer);
        hub.removeLoop(this);
        new ArrayList<>(sessions).forEach(session -> session.cutOff("shutdown"));
    }

    /** Adds {@code GET /v1/live/{platform}/{subscriberId}} (SSE), {@code /v1/live/ws} and, if asked, {@code /live-demo/}. */
    public void addRoutes(Router router) {
        LiveRoutes.addTo(router, this);
    }

    /** Hands a push to some of this loop's connections; any thread. */
    void deliver(List<LiveSession> targets, LivePush push) {
        if (waiting.addAndGet(targets.size()) > config.maxWaitingDeliveries()) {
            waiting.addAndGet(-targets.size());
            overflowed.addAll(targets);
        } else {
            inbox.add(new Delivery(targets, push));
        }
        if (drainScheduled.compareAndSet(false, true)) {
            context.runOnContext(v -> drain());
        }
    }

    private void drain() {
        drainScheduled.set(false); // before polling: a delivery added after the last poll schedules another drain
        if (!overflowed.isEmpty()) {
            List<LiveSession> behind = new ArrayList<>(overflowed);
            overflowed.removeAll(behind);
            behind.forEach(session -> session.cutOff("overloaded"));
        }
        for (Delivery delivery = inbox.poll(); delivery != null; delivery = inbox.poll()) {
            waiting.addAndGet(-delivery.sessions().size());
            for (LiveSession session : delivery.sessions()) {
                session.push(delivery.push());
            }
        }
    }

    /** Tells this loop's connections that were sent the story that it was retracted; any thread. */
    void retract(String member) {
        context.runOnContext(v -> new ArrayList<>(sessions).forEach(session -> session.retract(member)));
    }

    /** Cuts every connection of this loop off with a resume hint; any thread. */
    void cutOffAll(String reason) {
        context.runOnContext(v -> new ArrayList<>(sessions).forEach(session -> session.cutOff(reason)));
    }

    /** Takes a place among {@code live.maxConnections} for a connection of {@code transport}. */
    boolean tryOpen(String transport) {
        if (!hub.tryOpen()) {
            return false;
        }
        counters.connectionOpened(transport);
        return true;
    }

    /** Gives back a place {@link #tryOpen} took. */
    void release(String transport) {
        hub.closed();
        counters.connectionClosed(transport);
    }

    void add(LiveSession session) {
        sessions.add(session);
    }

    void remove(LiveSession session) {
        sessions.remove(session);
    }

    LiveHub hub() {
        return hub;
    }

    Context context() {
        return context;
    }

    LiveConfig config() {
        return config;
    }

    LiveCounters counters() {
        return counters;
    }

    StageLatencies stages() {
        return stages;
    }

    TrayReader trays() {
        return trays;
    }

    int pageSize() {
        return pageSize;
    }

    /** @return the token checker, or {@code null} when this process serves no live connection (no secret) */
    LiveTokens tokens() {
        return tokens;
    }
}
