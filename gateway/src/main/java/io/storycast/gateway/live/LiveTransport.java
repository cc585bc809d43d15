package io.storycast.gateway.live;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;

/**
 * How a {@link LiveSession} writes to its client: Server-Sent Events ({@link SseTransport}) or WebSocket frames
 * ({@link WebSocketTransport}). Every method is called on the connection's event loop.
 */
interface LiveTransport {
    /** Longest wait for a cut-off connection's last words to leave before the connection is closed, ms. */
    long CUT_OFF_GRACE_MILLIS = 1000;

    /** @return {@code sse} or {@code websocket}, the transport label of the connection meters */
    String name();

    /** The subscription is made: starts the stream (SSE: the 200 and its headers; WebSocket: a subscribed frame). */
    void open(int retryMillis);

    /** Refuses a connection not yet opened (problem+json, or an error frame and a close). */
    void refuse(LiveRefusal refusal, int retryAfterSeconds);

    /** @return whether the connection holds as many unsent bytes as it may ({@code live.writeQueueBytes}) */
    boolean writeQueueFull();

    /** @param handler called once the unsent bytes fell below half the bound */
    void drainHandler(Handler<Void> handler);

    /**
     * @param id the event id the client resumes from: the newest place in its tray sent so far
     * @return completes when the event is handed to the socket
     */
    Future<Void> writeStory(String id, LivePush push);

    /** @param story {@code storyId} and {@code sourcePlatform} of a retracted story the connection was sent */
    Future<Void> writeRetract(JsonObject story);

    /** Tells the client that it missed more than it is sent: it should read its tray. */
    Future<Void> writeResync(JsonObject detail);

    /** Keeps an idle connection alive (an SSE comment, a WebSocket ping). */
    void heartbeat();

    /**
     * Ends the connection with a resume hint: the client reconnects with its last event id and loses nothing.
     *
     * @param hint {@code reason}, {@code lastEventId} and {@code retryMillis}
     */
    void cutOff(JsonObject hint, int retryMillis);
}
