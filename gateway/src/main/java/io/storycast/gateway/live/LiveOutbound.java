package io.storycast.gateway.live;

import io.storycast.gateway.trays.TrayCursor;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.Objects;

/**
 * What one live connection writes, and what waits for its socket: the event id (the newest place in the tray sent
 * so far), the bytes written but not yet handed to the socket, and a bounded queue behind them.
 *
 * <p>An event goes straight to the socket while fewer than {@code live.writeQueueBytes} are unsent, counted from the
 * write futures as well as asked of the connection (whose own flag changes only after the event loop's current task,
 * so a burst handed over in one task would otherwise all be written past the bound). Otherwise it waits, up to
 * {@code live.maxQueuedEvents}; one more and {@link #enqueue} answers false: the client is too slow. Each write that
 * reaches the socket sends what waits.
 *
 * <p>Not thread-safe: confined to the connection's event loop.
 */
final class LiveOutbound {
    /** About what a retraction event takes on the wire, bytes. */
    private static final int RETRACTION_BYTES = 100;

    private final LiveLoop loop;
    private final LiveTransport transport;
    private final ArrayDeque<Object> queue = new ArrayDeque<>(4);
    private TrayCursor newestSent;
    private String eventId;
    private long lastWriteNanos = System.nanoTime();
    private long unsentBytes;
    private boolean closed;
    /** Run once when nothing waits and the socket has room: what paces a resume's backlog. */
    private Runnable onRoom;

    /** A retraction waiting in the queue: {@code storyId} and {@code sourcePlatform}. */
    private record Retraction(JsonObject story) {
    }

    LiveOutbound(LiveLoop loop, LiveTransport transport) {
        this.loop = Objects.requireNonNull(loop, "loop");
        this.transport = Objects.requireNonNull(transport, "transport");
        transport.drainHandler(drained -> flush());
    }

    /** @param resumeFrom the client's last event id: later ids are never older; {@code null} for none */
    void startAt(TrayCursor resumeFrom) {
        newestSent = resumeFrom;
        eventId = resumeFrom == null ? null : resumeFrom.encode();
    }

    /** @return the id of the newest story sent (or resumed from), {@code null} before any */
    String eventId() {
        return eventId;
    }

    /** Notes that the connection was written to (its opening): heartbeats count from here. */
    void touched() {
        lastWriteNanos = System.nanoTime();
    }

    /** @return false when the queue is full: the client is too slow, and nothing was queued */
    boolean story(LivePush push) {
        return enqueue(push);
    }

    /** @return false when the queue is full, as {@link #story} */
    boolean retraction(String member) {
        int colon = member.indexOf(':');
        return enqueue(new Retraction(new JsonObject().put("storyId", member.substring(colon + 1))
                .put("sourcePlatform", member.substring(0, colon))));
    }

    private boolean enqueue(Object event) {
        if (queue.isEmpty() && !full()) {
            write(event);
            return true;
        }
        if (queue.size() >= loop.config().maxQueuedEvents()) {
            return false;
        }
        queue.add(event);
        return true;
    }

    /** @return whether an event would go straight to the socket now */
    boolean hasRoom() {
        return queue.isEmpty() && !full();
    }

    /** Runs {@code action} once {@link #hasRoom} (at the next write that reaches the socket, or drain). */
    void whenRoom(Runnable action) {
        onRoom = action;
    }

    private boolean full() {
        return unsentBytes >= loop.config().writeQueueBytes() || transport.writeQueueFull();
    }

    private void flush() {
        while (!closed && !queue.isEmpty() && !full()) {
            write(queue.poll());
        }
        if (!closed && onRoom != null && hasRoom()) {
            Runnable action = onRoom;
            onRoom = null;
            action.run();
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
        if (loop.hub().retracted(push.member())) {
            return; // retracted while it waited: the retraction queued behind it tells the client
        }
        if (newestSent == null || push.cursor().isAfter(newestSent)) {
            newestSent = push.cursor();
            eventId = push.eventId();
        }
        Future<Void> written = transport.writeStory(eventId, push);
        track(written, push.entryJson().length + eventId.length());
        loop.counters().pushed(push.kind());
        if (push.publishedAtMicros() > 0) { // a push, not a story read for a resume
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
            if (!queue.isEmpty() || onRoom != null) {
                flush();
            }
        });
    }

    /** Sends a heartbeat when nothing was written for {@code idleNanos} (and the socket has room). */
    void heartbeatIfIdle(long nowNanos, long idleNanos) {
        if (!closed && nowNanos - lastWriteNanos >= idleNanos && !full()) {
            lastWriteNanos = nowNanos;
            transport.heartbeat();
        }
    }

    /** Drops what waits; nothing more is written. */
    void close() {
        closed = true;
        queue.clear();
        onRoom = null;
    }
}
