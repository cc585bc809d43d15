package io.storycast.gateway.live;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;

import java.util.Objects;

/**
 * A live connection as WebSocket text frames, one JSON object each: {@code subscribed}, {@code story} (with the
 * event {@code id} and the tray entry as {@code story}), {@code retract}, {@code resync}, {@code reconnect} (the
 * cut-off hint, then a close with 1013, "try again later") and {@code error} (a refusal's problem, then a close
 * with 4000 + its HTTP status: 4400, 4401, 4403, 4503). A heartbeat is a ping frame, which browsers answer on their
 * own.
 */
final class WebSocketTransport implements LiveTransport {
    /** Close code of a cut-off: RFC 6455's "try again later". */
    static final short TRY_AGAIN_LATER = 1013;
    /** A close frame's reason holds at most 123 bytes. */
    private static final int MAX_REASON_CHARS = 100;

    private final ServerWebSocket socket;

    WebSocketTransport(ServerWebSocket socket, int writeQueueBytes) {
        this.socket = Objects.requireNonNull(socket, "socket");
        socket.setWriteQueueMaxSize(writeQueueBytes);
    }

    @Override
    public String name() {
        return "websocket";
    }

    @Override
    public void open(int retryMillis) {
        socket.writeTextMessage(new JsonObject().put("type", "subscribed").put("retryMillis", retryMillis).encode());
    }

    @Override
    public void refuse(LiveRefusal refusal, int retryAfterSeconds) {
        JsonObject problem = refusal.problem();
        if (refusal.status() == 503) {
            problem.put("retryAfterSeconds", retryAfterSeconds);
        }
        socket.writeTextMessage(new JsonObject().put("type", "error").put("problem", problem).encode());
        socket.close((short) (4000 + refusal.status()), reason(problem.getString("detail")));
    }

    @Override
    public boolean writeQueueFull() {
        return socket.writeQueueFull();
    }

    @Override
    public void drainHandler(Handler<Void> handler) {
        socket.drainHandler(handler);
    }

    @Override
    public Future<Void> writeStory(String id, LivePush push) {
        return socket.writeTextMessage(new JsonObject().put("type", "story").put("id", id).put("story", push.entry()).encode());
    }

    @Override
    public Future<Void> writeRetract(JsonObject story) {
        return socket.writeTextMessage(story.copy().put("type", "retract").encode());
    }

    @Override
    public Future<Void> writeResync(JsonObject detail) {
        return socket.writeTextMessage(detail.copy().put("type", "resync").encode());
    }

    @Override
    public void heartbeat() {
        socket.writePing(Buffer.buffer());
    }

    @Override
    public void cutOff(JsonObject hint, int retryMillis) {
        socket.writeTextMessage(hint.copy().put("type", "reconnect").encode());
        // Vert.x closes the TCP connection itself if the client does not answer the close frame in time.
        socket.close(TRY_AGAIN_LATER, reason("reconnect with lastEventId: " + hint.getString("reason")));
    }

    private static String reason(String text) {
        return text == null ? "" : text.length() <= MAX_REASON_CHARS ? text : text.substring(0, MAX_REASON_CHARS);
    }
}
