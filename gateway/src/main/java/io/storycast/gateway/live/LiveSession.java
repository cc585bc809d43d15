package io.storycast.gateway.live;

import io.storycast.gateway.story.Platform;
import io.storycast.gateway.trays.StoryRecord;
import io.storycast.gateway.trays.TrayCursor;
import io.storycast.gateway.trays.TrayEntries;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One subscriber's live connection, on its HTTP event loop: what it was sent, and how it sets up.
 *
 * <p><b>Setting up.</b> The session is attached to the hub (registered in Redis) before it opens, so every story
 * published after it opened reaches it. Pushes arriving meanwhile are held; a resuming session then reads what it
 * missed from its tray ({@link LiveBacklog}), sends it oldest first, and sends the held pushes after, leaving out
 * those the backlog held. Holding is bounded by {@code live.maxQueuedEvents}. A retraction drops the held pushes of
 * its story, and no story the hub heard was retracted ({@link LiveHub#retracted}) is queued or written, whether it
 * was held, read for the backlog, or pushed late.
 *
 * <p><b>The event id</b> is the newest place in the tray ({@link TrayCursor}: createdAt, then member) among the
 * stories sent so far, or the resume id if newer. A client that reconnects with it is sent exactly the stories of
 * its tray after it. A story created before that place that reached the tray while the client was away (media that
 * came late, a producer's clock behind) is in the tray but not sent on resume; a client that cannot miss any reads
 * its tray after a reconnect.
 *
 * <p><b>Backpressure</b> is {@link LiveOutbound}'s: past its bounds the client is too slow and the connection is cut
 * off with a resume hint. A resume's backlog is sent as the socket takes it, so a long one does not pass for a slow
 * client. Nothing here waits or grows without bound, and the fan-out is never held back.
 *
 * <p>Not thread-safe: every method runs on the connection's event loop.
 */
final class LiveSession {
    private enum State { SETTING_UP, RESUMING, LIVE, CLOSED }

    private final LiveLoop loop;
    private final LiveRegistry.Subscriber subscriber;
    private final LiveTransport transport;
    private final LiveOutbound outbound;
    private final RecentStories recent;
    private List<LivePush> held = new ArrayList<>(1);
    private State state = State.SETTING_UP;

    LiveSession(LiveLoop loop, Platform platform, String subscriberId, LiveTransport transport) {
        this.loop = Objects.requireNonNull(loop, "loop");
        this.subscriber = new LiveRegistry.Subscriber(platform, subscriberId);
        this.transport = Objects.requireNonNull(transport, "transport");
        this.outbound = new LiveOutbound(loop, transport);
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
        outbound.startAt(resumeFrom);
        loop.hub().attach(this).onComplete(attached -> {
            if (state == State.CLOSED) {
                return;
            }
            if (attached.failed()) {
                transport.refuse(LiveRefusal.unavailable("store-unavailable", "Store unavailable", "could not register "
                        + "the live connection in Redis; the request is safe to retry", null, "unavailable"),
                        Math.max(1, loop.config().retryMillis() / 1000));
                loop.counters().refused("unavailable");
                closed();
                return;
            }
            transport.open(loop.config().retryMillis());
            outbound.touched();
            if (resumeFrom == null) {
                goLive();
            } else {
                state = State.RESUMING;
                resume(resumeFrom);
            }
        });
    }

    private void resume(TrayCursor resumeFrom) {
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
            sendMissed(missed.result().stories().iterator());
        });
    }

    /**
     * Sends the missed stories as the socket takes them (a backlog may be far longer than the connection's bounds,
     * which are there for a client that does not read), then goes live.
     */
    private void sendMissed(Iterator<StoryRecord> missed) {
        while (state == State.RESUMING && missed.hasNext()) {
            if (!outbound.hasRoom()) {
                outbound.whenRoom(() -> sendMissed(missed));
                return;
            }
            StoryRecord story = missed.next();
            JsonObject entry = TrayEntries.toJson(story, platform());
            // Not a push: no publish time, so not in the push latencies.
            accept(new LivePush("story", platform(), LiveBacklog.cursorOf(story), entry, entry.toBuffer().getBytes(),
                    story.expiresAtMillis(), 0, 0));
        }
        goLive();
    }

    private void goLive() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.LIVE;
        List<LivePush> waiting = held;
        held = null;
        waiting.forEach(this::push);
    }

    /** A story for this connection: sent unless it was sent already or retracted, or held while the session sets up. */
    void push(LivePush push) {
        if (state == State.CLOSED || recent.contains(push.member()) || loop.hub().retracted(push.member())) {
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
        if (state == State.CLOSED || loop.hub().retracted(push.member())) {
            return; // a held push or a backlog's story whose retraction came meanwhile
        }
        recent.add(push.member());
        if (!outbound.story(push)) {
            cutOff("slow-client");
        }
    }

    /**
     * A story was retracted: a push of it held while the session sets up is dropped, and the client is told if it
     * was sent the story (or it is queued: the queued story is then not written, {@link LiveOutbound}).
     */
    void retract(String member) {
        if (state == State.CLOSED) {
            return;
        }
        if (held != null) {
            held.removeIf(push -> push.member().equals(member));
        }
        if (state == State.SETTING_UP || !recent.contains(member)) {
            return;
        }
        if (!outbound.retraction(member)) {
            cutOff("slow-client");
        }
    }

    /** Sends a heartbeat when nothing was written for {@code idleNanos} (and the socket has room). */
    void heartbeatIfIdle(long nowNanos, long idleNanos) {
        if (state == State.LIVE || state == State.RESUMING) {
            outbound.heartbeatIfIdle(nowNanos, idleNanos);
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
        transport.cutOff(new JsonObject().put("reason", reason).put("lastEventId", outbound.eventId())
                .put("retryMillis", retryMillis).put("detail", "the gateway closed this connection (" + reason
                        + "): reconnect with the last event id and nothing is lost"), retryMillis);
        closed();
    }

    /** The connection is gone (either side closed it): gives everything it held back. Idempotent. */
    void closed() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        outbound.close();
        held = null;
        loop.remove(this);
        loop.hub().detach(this);
        loop.release(transport.name());
    }
}
