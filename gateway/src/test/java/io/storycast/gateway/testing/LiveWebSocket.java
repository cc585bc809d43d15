package io.storycast.gateway.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;

/** A real WebSocket client of {@code /v1/live/ws} (Vert.x's), keeping every JSON frame it receives. */
public final class LiveWebSocket implements AutoCloseable {
    private final WebSocketClient client;
    private final WebSocket socket;
    private final List<JsonObject> frames = new ArrayList<>();
    private Short closeCode;

    private LiveWebSocket(WebSocketClient client, WebSocket socket) {
        this.client = client;
        this.socket = socket;
        socket.textMessageHandler(text -> {
            synchronized (frames) {
                frames.add(new JsonObject(text));
            }
        });
        socket.closeHandler(closed -> {
            synchronized (frames) {
                closeCode = socket.closeStatusCode() == null ? -1 : socket.closeStatusCode();
            }
        });
    }

    /** Opens the socket and sends {@code subscribe} as its first message. */
    public static LiveWebSocket subscribe(Vertx vertx, int port, JsonObject subscribe) {
        WebSocketClient client = vertx.createWebSocketClient();
        try {
            WebSocket socket = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
                    .setURI("/v1/live/ws")).await(15, TimeUnit.SECONDS);
            LiveWebSocket live = new LiveWebSocket(client, socket);
            socket.writeTextMessage(subscribe.encode()).await(15, TimeUnit.SECONDS);
            return live;
        } catch (Exception e) {
            client.close();
            throw new AssertionError("could not open /v1/live/ws: " + e, e);
        }
    }

    /** @return a subscribe message; {@code lastEventId} may be {@code null} */
    public static JsonObject subscribeMessage(String token, String platform, String subscriberId, String lastEventId) {
        JsonObject message = new JsonObject().put("type", "subscribe").put("token", token).put("platform", platform)
                .put("subscriberId", subscriberId);
        return lastEventId == null ? message : message.put("lastEventId", lastEventId);
    }

    public List<JsonObject> frames() {
        synchronized (frames) {
            return List.copyOf(frames);
        }
    }

    /** @return the stories received: the {@code story} of each frame of type {@code story}, in order */
    public List<JsonObject> stories() {
        return frames().stream().filter(frame -> "story".equals(frame.getString("type")))
                .map(frame -> frame.getJsonObject("story")).toList();
    }

    /** @return the close code the server sent, or {@code null} while open */
    public Short closeCode() {
        synchronized (frames) {
            return closeCode;
        }
    }

    public JsonObject awaitFrame(Predicate<JsonObject> condition, Duration deadline) {
        return await().atMost(deadline).pollInterval(Duration.ofMillis(10))
                .until(() -> frames().stream().filter(condition).findFirst().orElse(null), found -> found != null);
    }

    @Override
    public void close() {
        socket.close();
        client.close();
    }
}
