package io.storycast.gateway.live;

import io.storycast.gateway.story.Platform;
import io.storycast.gateway.trays.TrayCursor;
import io.vertx.core.Future;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * {@code GET /v1/live/ws}: a WebSocket that subscribes with its first message,
 * {@code {"type":"subscribe","token":"<JWT>","platform":"instagram","subscriberId":"u-7","lastEventId":"<id>"}}
 * ({@code lastEventId} optional, as an SSE client's {@code Last-Event-ID}). The connection takes its place among
 * {@code live.maxConnections} before the upgrade (503 past it, as over SSE); a socket that does not subscribe within
 * {@code live.subscribeTimeoutSeconds}, or subscribes wrongly, gets an {@code error} frame and a close
 * (4000 + the status: 4400, 4401, 4403, 4503). Messages after the subscription are ignored.
 */
final class WebSocketSubscribe {
    private static final Logger LOG = LoggerFactory.getLogger(WebSocketSubscribe.class);
    private static final String TRANSPORT = "websocket";
    /** RFC 6455's close code for a server that met an unexpected condition. */
    private static final short INTERNAL_ERROR = 1011;

    private final LiveLoop loop;
    private final ServerWebSocket socket;
    private final WebSocketTransport transport;
    private final long timer;
    private LiveSession session;
    private boolean done;
    private boolean released;

    private WebSocketSubscribe(LiveLoop loop, ServerWebSocket socket, HttpConnection connection) {
        this.loop = loop;
        this.socket = socket;
        this.transport = new WebSocketTransport(socket, connection, loop.config().writeQueueBytes());
        this.timer = loop.context().owner().setTimer(TimeUnit.SECONDS.toMillis(loop.config().subscribeTimeoutSeconds()),
                tick -> refuse(LiveRefusal.invalid("no subscribe message within live.subscribeTimeoutSeconds ("
                        + loop.config().subscribeTimeoutSeconds() + " s)", "type")));
        socket.textMessageHandler(this::subscribe);
        socket.closeHandler(closed -> closed());
    }

    static void accept(RoutingContext context, LiveLoop loop) {
        LiveRefusal refusal = LiveRoutes.unserved(loop);
        if (refusal == null) {
            refusal = LiveRoutes.tryOpen(loop, TRANSPORT);
        }
        if (refusal != null) {
            loop.counters().refused(refusal.reason());
            new SseTransport(context.request(), loop.config().writeQueueBytes())
                    .refuse(refusal, Math.max(1, loop.config().retryMillis() / 1000));
            return;
        }
        HttpConnection connection = context.request().connection();
        context.request().toWebSocket().onComplete(upgraded -> {
            if (upgraded.failed()) {
                loop.release(TRANSPORT); // not an upgrade request: Vert.x has answered it
                return;
            }
            new WebSocketSubscribe(loop, upgraded.result(), connection);
        });
    }

    private void subscribe(String text) {
        if (done) {
            return; // subscribed: nothing else is read
        }
        done = true;
        loop.context().owner().cancelTimer(timer);
        JsonObject message;
        try {
            message = new JsonObject(text);
        } catch (DecodeException notJson) {
            refuse(LiveRefusal.invalid("the first message must be a JSON subscribe message", "type"));
            return;
        }
        if (!"subscribe".equals(message.getValue("type"))) {
            refuse(LiveRefusal.invalid("the first message must have type \"subscribe\"", "type"));
            return;
        }
        Object token = message.getValue("token");
        loop.tokens().verify(token instanceof String value ? value : null, "token").compose(subject -> {
            try {
                Platform platform = LiveRoutes.pathPlatform(string(message, "platform"));
                String subscriberId = LiveRoutes.checkedId(string(message, "subscriberId"));
                LiveRoutes.checkSubject(subject, platform, subscriberId);
                TrayCursor resumeFrom = LiveRoutes.resumeId(string(message, "lastEventId"), "lastEventId");
                session = new LiveSession(loop, platform, subscriberId, transport);
                session.start(resumeFrom);
                return Future.succeededFuture();
            } catch (LiveRefusal refusal) {
                return Future.failedFuture(refusal);
            }
        }).onFailure(failure -> {
            if (failure instanceof LiveRefusal refusal) {
                refuse(refusal);
            } else {
                LOG.error("live: a WebSocket subscription failed unexpectedly", failure);
                socket.close(INTERNAL_ERROR, "internal error");
            }
        });
    }

    private static String string(JsonObject message, String name) {
        Object value = message.getValue(name);
        return value instanceof String text ? text : null;
    }

    private void refuse(LiveRefusal refusal) {
        done = true;
        loop.counters().refused(refusal.reason());
        transport.refuse(refusal, Math.max(1, loop.config().retryMillis() / 1000));
    }

    /** The socket closed: the session gives its place back, or this does when there was none. */
    private void closed() {
        loop.context().owner().cancelTimer(timer);
        if (session != null) {
            session.closed();
        } else if (!released) {
            released = true;
            loop.release(TRANSPORT);
        }
    }
}
