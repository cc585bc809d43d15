package io.storycast.gateway.live;

import io.storycast.gateway.story.Platform;
import io.storycast.gateway.trays.StoryRecord;
import io.storycast.gateway.trays.TrayCursor;
import io.storycast.gateway.trays.TrayEntries;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One subscriber's live connection, on its HTTP event loop: what it was sent, what waits for its socket, and its
 * event id.
 *
 * <p><b>Setting up.</b> The session is attached to the hub (registered in Redis) before it opens, so every story
 * published after it opened reaches it. Pushes arriving meanwhile are held; a resuming session then reads what it
 * missed from its tray ({@link LiveBacklog}), sends it oldest first, and sends the held pushes after, leaving out
 * those the backlog held. Holding is bounded by {@code live.maxQueuedEvents}.
 *
 * <p><b>The event id</b> is the newest place in the tray ({@link TrayCursor}: createdAt, then member) among the
 * stories sent so far, or the resume id if newer. A client that reconnects with it is sent exactly the stories of
 * its tray after it. A story created before that place that reached the tray while the client was away (media that
 * came late, a producer's clock behind) is in the tray but not sent on resume; a client that cannot miss any reads
 * its tray after a reconnect.
 *
 * <p><b>Backpressure.</b> Events go straight to the socket while its write queue ({@code live.writeQueueBytes}) has
 * room, then wait in a queue of at most {@code live.maxQueuedEvents}; when that is full the client is too slow and
 * the connection is cut off with a resume hint. Nothing here waits or grows without bound, and the fan-out is never
 * held back.
 *
 * <p>Not thread-safe: every method runs on the connection's event loop.
 */
final class LiveSession {
    private enum State { SETTING_UP, RESUMING, LIVE, CLOSED }

    private final LiveLoop loop;
    private final LiveRegistry.Subscriber subscriber;
    private final LiveTransport transport;
    private final RecentStories recent;
    private final ArrayDeque<Object> queue = new ArrayDeque<>(4);
    private List<LivePush> held = new ArrayList<>(1);
    private State state = State.SETTING_UP;
    private TrayCursor newestSent;
    private String eventId;
    private long lastWriteNanos = System.nanoTime();
    /** Bytes handed to the connection and not yet to its socket: the write futures not yet completed. */
    private long unsentBytes;

    /** About what a retraction event takes on the wire, bytes. */
    private static final int RETRACTION_BYTES = 100;

    /** A retraction waiting in the queue. */
    private record Retraction(JsonObject story) {
    }

    LiveSession(LiveLoop loop, Platform platform, String subscriberId, LiveTransport transport) {
        this.loop = Objects.requireNonNull(loop, "loop");
        this.subscriber = new LiveRegistry.Subscriber(platform, subscriberId);
        this.transport = Objects.requireNonNull(transport, "transport");
        this.recent = new RecentStories(loop.config().recentStoriesPerConnection());
    }

    LiveLoop loop() {
        return loop;
    }

    Platform platform() {
        return subscriber.platform();
    }

    String subscriberId() {
        return subscriber.subscriberId();
    }

    LiveRegistry.Subscriber subscriber() {
        return subscriber;
    }

    /**
     * Attaches, opens, and (with a resume id) sends what was missed. The session takes over the place among
     * {@code live.maxConnections} its route took ({@link LiveLoop#tryOpen}) and gives it back when it closes.
     *
     * @param resumeFrom the client's last event id, or {@code null} for the stories from now on
     */
    void start(TrayCursor resumeFrom) {
        loop.add(this);
        newestSent = resumeFrom;
        eventId = resumeFrom == null ? null : resumeFrom.encode();
        transport.drainHandler(drained -> flush());
        loop.hub().attach(this).onComplete(attached -> {
            if (state == State.CLOSED) {
                return;
            }
            if (attached.failed()) {
                transport.refuse(new LiveRefusal(503, "store-unavailable", "Store unavailable", "could not register the "
                        + "live connection in Redis; the request is safe to retry", null, "unavailable"), retryAfterSeconds());
                loop.counters().refused("unavailable");
                closed();
                return;
            }
            transport.open(loop.config().retryMillis());
            lastWriteNanos = System.nanoTime();
            if (resumeFrom == null) {
                goLive();
                return;
            }
            state = State.RESUMING;
            LiveBacklog.read(loop.trays(), platform(), subscriberId(), resumeFrom, loop.config().maxResumeStories(),
                    loop.pageSize()).onComplete(missed -> {
                if (state == State.CLOSED) {
                    return;
                }
                if (missed.failed()) {
                    cutOff("overloaded"); // Redis failed the read: the client comes back with the same id
                    return;
                }
                if (missed.result().truncated()) {
                    transport.writeResync(new JsonObject().put("reason", "more than " + loop.config().maxResumeStories()
                            + " stories were missed: the newest are sent, read the tray for the others"));
                }
                for (StoryRecord story : missed.result().stories()) {
                    JsonObject entry = TrayEntries.toJson(story, platform());
                    // Not a push: no publish time, so not in the push latencies.
                    accept(new LivePush("story", platform(), LiveBacklog.cursorOf(story), entry, entry.toBuffer().getBytes(),
                            story.expiresAtMillis(), 0, 0));
                }
                goLive();
            });
        });
    }

    private void goLive() {
        state = State.LIVE;
        List<LivePush> waiting = held;
        held = null;
        waiting.forEach(this::push);
    }

    /** A story for this connection: sent unless it was sent already, or held while the session sets up. */
    void push(LivePush push) {
        if (state == State.CLOSED || recent.contains(push.member())) {
            return;
        }
        if (state != State.LIVE) {
            if (held.size() >= loop.config().maxQueuedEvents()) {
                cutOff("overloaded");
            } else {
                held.add(push);
            }
            return;
        }
        accept(push);
    }

    private void accept(LivePush push) {
        recent.add(push.member());
        enqueue(push);
    }

    /** A story was retracted: the client is told if it was sent the story. */
    void retract(String member) {
        if (state == State.CLOSED || state == State.SETTING_UP || !recent.contains(member)) {
            return;
        }
        int colon = member.indexOf(':');
        enqueue(new Retraction(new JsonObject().put("storyId", member.substring(colon + 1))
                .put("sourcePlatform", member.substring(0, colon))));
    }

    /**
     * @return whether the connection holds {@code live.writeQueueBytes} not yet sent. Counted here from the write
     *         futures as well as asked of the connection, whose own flag changes only after the event loop's current
     *         task: a burst of pushes handed over in one task would otherwise all be written past the bound.
     */
    private boolean writeQueueFull() {
        return unsentBytes >= loop.config().writeQueueBytes() || transport.writeQueueFull();
    }

    private void enqueue(Object event) {
        if (queue.isEmpty() && !writeQueueFull()) {
            write(event);
        } else if (queue.size() >= loop.config().maxQueuedEvents()) {
            cutOff("slow-client");
        } else {
            queue.add(event);
        }
    }

    private void flush() {
        while (state != State.CLOSED && !queue.isEmpty() && !writeQueueFull()) {
            write(queue.poll());
        }
    }

    private void write(Object event) {
        lastWriteNanos = System.nanoTime();
        if (event instanceof Retraction retraction) {
            track(transport.writeRetract(retraction.story()), RETRACTION_BYTES);
            loop.counters().pushed("retract");
            return;
        }
        LivePush push = (LivePush) event;
        if (newestSent == null || push.cursor().isAfter(newestSent)) {
            newestSent = push.cursor();
            eventId = newestSent.encode();
        }
        Future<Void> written = transport.writeStory(eventId, push);
        track(written, push.entryJson().length + eventId.length());
        loop.counters().pushed(push.kind());
        if (push.publishedAtMicros() > 0) {
            written.onSuccess(done -> {
                loop.stages().livePush().recordSinceEpochMicros(push.publishedAtMicros());
                loop.stages().endToEndPush().recordSinceEpochMillis(push.acceptedAtMillis());
            });
        }
    }

    /** Counts {@code bytes} as unsent until the write reaches the socket, then sends what waits. */
    private void track(Future<Void> written, long bytes) {
        unsentBytes += bytes;
        written.onComplete(done -> {
            unsentBytes -= bytes;
            if (!queue.isEmpty()) {
                flush();
            }
        });
    }

    /** Sends a heartbeat when nothing was written for {@code idleNanos} (and the socket has room). */
    void heartbeatIfIdle(long nowNanos, long idleNanos) {
        if ((state == State.LIVE || state == State.RESUMING) && nowNanos - lastWriteNanos >= idleNanos
                && !writeQueueFull()) {
            lastWriteNanos = nowNanos;
            transport.heartbeat();
        }
    }

    /**
     * Closes the connection with a resume hint: its last event id and a random reconnection delay up to
     * {@code live.retryMillis}, so connections cut off together do not all come back at once.
     *
     * @param reason one of {@code LiveCounters.CUTOFF_REASONS}
     */
    void cutOff(String reason) {
        if (state == State.CLOSED) {
            return;
        }
        loop.counters().cutOff(reason);
        int retryMillis = 100 + ThreadLocalRandom.current().nextInt(Math.max(1, loop.config().retryMillis() - 100));
        transport.cutOff(new JsonObject().put("reason", reason).put("lastEventId", eventId).put("retryMillis", retryMillis)
                .put("detail", "the gateway closed this connection (" + reason + "): reconnect with the last event id "
                        + "and nothing is lost"), retryMillis);
        closed();
    }

    /** The connection is gone (either side closed it): gives everything it held back. Idempotent. */
    void closed() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        queue.clear();
        held = null;
        loop.remove(this);
        loop.hub().detach(this);
        loop.release(transport.name());
    }

    private int retryAfterSeconds() {
        return Math.max(1, loop.config().retryMillis() / 1000);
    }
}
