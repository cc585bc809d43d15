package io.storycast.gateway.ingest;

import io.storycast.gateway.redis.PipelinedRedis;
import io.storycast.gateway.redis.RedisKeys;
import io.storycast.gateway.story.StoryEvent;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Makes events durable, with adaptive group commit: each partition has at most one script call in flight
 * per event loop. Events for a partition whose call is in flight wait for its answer and then go together
 * in the next call; events for an idle partition go at the end of the current pass of the event loop,
 * with whatever else arrived during that pass. Each call is one {@link AppendScript} call per producer,
 * writing one stream entry. Redis's cost is mostly per call, so under load the calls grow (up to
 * {@value #MAX_EVENTS_PER_CALL} events) and Redis's cost per event falls, while a quiet gateway sends each
 * event at once: nothing waits on a timer, so no latency is added beyond one call's round trip.
 *
 * <p>Bounded: the waiting events belong to requests in flight, which {@code http.maxInFlightRequests} and
 * {@code ingest.maxBatchEvents} bound, and a call never outlives {@code redis.commandTimeoutMillis}.
 *
 * <p>A call that fails or exceeds the command timeout (enforced by {@link PipelinedRedis}) fails only its
 * own events; their outcome is then unknown to the producer, who retries safely: an event that did land
 * is answered as a duplicate. Failures are logged, at most one line per {@value #FAILURE_LOG_INTERVAL_SECONDS} s.
 *
 * <p>Confined to one event loop: create it on that event loop (one per HTTP verticle, in its start).
 */
public final class StoryStreamAppender {
    /** Most events in one script call; a larger group is split (Lua and Redis stay responsive). */
    static final int MAX_EVENTS_PER_CALL = 1000;
    static final long FAILURE_LOG_INTERVAL_SECONDS = 5;
    private static final Logger LOG = LoggerFactory.getLogger(StoryStreamAppender.class);

    private final Context context;
    private final PipelinedRedis redis;
    private final RedisKeys keys;
    private final AppendScript script;
    private final List<List<Pending>> pendingByPartition;
    /** Script calls in flight per partition; a partition with calls in flight collects the next call's events. */
    private final int[] callsInFlight;
    private final Thread owner;
    private boolean flushScheduled;
    private long lastFailureLoggedNanos = System.nanoTime() - TimeUnit.SECONDS.toNanos(FAILURE_LOG_INTERVAL_SECONDS);
    private long failuresNotLogged;

    /**
     * @param context the event-loop context every call comes from and the flush runs on
     * @param redis   the event loop's pipelined connection (bounded pending queue and command timeout)
     * @param keys    the key layout
     * @throws IllegalStateException when not created on an event loop
     */
    public StoryStreamAppender(Context context, PipelinedRedis redis, RedisKeys keys) {
        if (!Context.isOnEventLoopThread()) {
            throw new IllegalStateException("create the StoryStreamAppender on the event loop that will call it");
        }
        // Requests run on duplicates of the verticle's context, so the thread is what must stay the same.
        this.owner = Thread.currentThread();
        this.context = Objects.requireNonNull(context, "context");
        this.redis = Objects.requireNonNull(redis, "redis");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.script = new AppendScript(keys);
        this.callsInFlight = new int[keys.partitions()];
        this.pendingByPartition = new ArrayList<>(keys.partitions());
        for (int partition = 0; partition < keys.partitions(); partition++) {
            pendingByPartition.add(new ArrayList<>());
        }
    }

    /**
     * @param producer the producer's name, stored with the entries
     * @param events   events to append, in the order they arrived
     * @return one outcome per event, in the same order; never a failed future (failures are per outcome)
     * @throws IllegalStateException when called from another thread than its event loop's
     */
    public Future<List<AppendOutcome>> append(String producer, List<StoryEvent> events) {
        if (owner != Thread.currentThread()) {
            throw new IllegalStateException("StoryStreamAppender is confined to one event loop, called from "
                    + Thread.currentThread().getName());
        }
        if (events.isEmpty()) {
            return Future.succeededFuture(List.of());
        }
        RequestOutcomes request = new RequestOutcomes(events.size());
        boolean idlePartitionWaits = false;
        for (int i = 0; i < events.size(); i++) {
            StoryEvent event = events.get(i);
            int partition = keys.partitionOf(event.authorId());
            pendingByPartition.get(partition).add(new Pending(producer, event, request, i));
            idlePartitionWaits |= callsInFlight[partition] == 0;
        }
        if (idlePartitionWaits && !flushScheduled) {
            flushScheduled = true;
            context.runOnContext(ignored -> flush());
        }
        return request.all.future();
    }

    private void flush() {
        flushScheduled = false;
        for (int partition = 0; partition < pendingByPartition.size(); partition++) {
            if (callsInFlight[partition] == 0) {
                sendWaiting(partition);
            }
        }
    }

    /** Sends every event waiting for {@code partition}: one call per producer and per {@value #MAX_EVENTS_PER_CALL}. */
    private void sendWaiting(int partition) {
        List<Pending> pending = pendingByPartition.get(partition);
        if (pending.isEmpty()) {
            return;
        }
        pendingByPartition.set(partition, new ArrayList<>());
        Map<String, List<Pending>> byProducer = new LinkedHashMap<>(2);
        for (Pending append : pending) {
            byProducer.computeIfAbsent(append.producer(), name -> new ArrayList<>()).add(append);
        }
        for (Map.Entry<String, List<Pending>> group : byProducer.entrySet()) {
            List<Pending> appends = group.getValue();
            for (int from = 0; from < appends.size(); from += MAX_EVENTS_PER_CALL) {
                send(partition, group.getKey(), appends.subList(from, Math.min(from + MAX_EVENTS_PER_CALL, appends.size())));
            }
        }
    }

    private void send(int partition, String producer, List<Pending> appends) {
        List<StoryEvent> events = new ArrayList<>(appends.size());
        appends.forEach(append -> events.add(append.event()));
        callsInFlight[partition]++;
        script.call(redis, partition, producer, events).onComplete(result -> {
            if (result.failed()) {
                logFailure(partition, events.size(), result.cause());
            }
            for (int k = 0; k < appends.size(); k++) {
                Pending append = appends.get(k);
                append.request().set(append.index(), result.succeeded() ? result.result().get(k) : AppendOutcome.FAILED);
            }
            if (--callsInFlight[partition] == 0) {
                sendWaiting(partition);
            }
        });
    }

    private void logFailure(int partition, int events, Throwable cause) {
        long now = System.nanoTime();
        if (now - lastFailureLoggedNanos < TimeUnit.SECONDS.toNanos(FAILURE_LOG_INTERVAL_SECONDS)) {
            failuresNotLogged++;
            return;
        }
        LOG.warn("could not append {} events to partition {} ({} more failed calls since the last report): {}",
                events, partition, failuresNotLogged, cause.toString());
        lastFailureLoggedNanos = now;
        failuresNotLogged = 0;
    }

    /** An event waiting for the end of the event-loop pass: the {@code index}-th event of {@code request}. */
    private record Pending(String producer, StoryEvent event, RequestOutcomes request, int index) {
    }

    /** The outcomes of one {@link #append} call, completed when the last of its script calls answers. */
    private static final class RequestOutcomes {
        private final AppendOutcome[] outcomes;
        private final Promise<List<AppendOutcome>> all = Promise.promise();
        private int missing;

        RequestOutcomes(int events) {
            outcomes = new AppendOutcome[events];
            missing = events;
        }

        void set(int index, AppendOutcome outcome) {
            outcomes[index] = outcome;
            if (--missing == 0) {
                all.complete(List.of(outcomes));
            }
        }
    }
}
