package io.storycast.gateway.live;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;

import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A live connection as WebSocket text frames, one JSON object each: {@code subscribed}, {@code story} (with the
 * event {@code id} and the tray entry as {@code story}), {@code retract}, {@code resync}, {@code reconnect} (the
 * cut-off hint, then a close with 1013, "try again later"; a client that has not answered it within
 * {@link #CUT_OFF_GRACE_MILLIS} has its TCP connection closed) and {@code error} (a refusal's problem, then a close
 * with 4000 + its HTTP status: 4400, 4401, 4403, 4503). A heartbeat is a ping frame, which browsers answer on their
 * own.
 */
final class WebSocketTransport implements LiveTransport {
    /** Close code of a cut-off: RFC 6455's "try again later". */
    static final short TRY_AGAIN_LATER = 1013;
    /** A close frame's reason holds at most 123 bytes. */
    private static final int MAX_REASON_CHARS = 100;

    private final ServerWebSocket socket;
    private final HttpConnection connection;

    /** @param connection the HTTP/1.1 connection the socket was upgraded from: the TCP connection a cut-off closes */
    WebSocketTransport(ServerWebSocket socket, HttpConnection connection, int writeQueueBytes) {
        this.socket = Objects.requireNonNull(socket, "socket");
        this.connection = Objects.requireNonNull(connection, "connection");
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
        if (refusal.status() == 503 || refusal.status() == 429) { // as SseTransport's Retry-After
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
        return socket.writeTextMessage(push.webSocketMessage(id));
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
        // A client that reads gets the hint and the close frame, answers it, and the connection closes. Vert.x's wait
        // for that answer (webSocketClosingTimeout) starts only once the close frame reached the socket, which never
        // happens behind bytes a client does not read: after the grace, the socket is closed here (ConnectionCloser).
        socket.close(TRY_AGAIN_LATER, reason("reconnect with lastEventId: " + hint.getString("reason")))
                .timeout(CUT_OFF_GRACE_MILLIS, TimeUnit.MILLISECONDS)
                .onFailure(stuck -> ConnectionCloser.closeNow(connection));
    }

    private static String reason(String text) {
        return text == null ? "" : text.length() <= MAX_REASON_CHARS ? text : text.substring(0, MAX_REASON_CHARS);
    }
}
