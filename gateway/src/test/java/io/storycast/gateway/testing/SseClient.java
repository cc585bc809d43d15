package io.storycast.gateway.testing;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;

/**
 * A real Server-Sent Events client over Vert.x's HTTP client (HTTP/1.1), for the live tests: it parses the stream as
 * a browser's EventSource does (events separated by a blank line; {@code id:}, {@code event:}, {@code data:} fields;
 * comment lines counted) and keeps every event. Its waits poll with a deadline (Awaitility), never sleep.
 */
public final class SseClient implements AutoCloseable {
    /** One event: its id ({@code null} when the event set none), type ({@code message} by default) and data. */
    public record Event(String id, String event, String data) {
        public JsonObject json() {
            return new JsonObject(data);
        }
    }

    private final HttpClient client;
    private final HttpClientResponse response;
    private final String body;
    private final List<Event> events = new ArrayList<>();
    private final StringBuilder pending = new StringBuilder();
    private int comments;
    private boolean ended;

    private SseClient(HttpClient client, HttpClientResponse response, String body) {
        this.client = client;
        this.response = response;
        this.body = body;
        if (body == null) {
            response.handler(this::received);
            response.endHandler(end -> markEnded());
            response.exceptionHandler(failure -> markEnded());
            response.request().connection().closeHandler(closed -> markEnded());
        }
    }

    /**
     * Opens {@code path} on the gateway at {@code port}; a 200 starts the stream, anything else is read whole.
     *
     * @param headers request headers, e.g. {@code Authorization} and {@code Last-Event-ID}
     */
    public static SseClient connect(Vertx vertx, int port, String path, Map<String, String> headers) {
        return connect(vertx, port, path, headers, HttpVersion.HTTP_1_1);
    }

    /** @param version HTTP/1.1, or HTTP/2 in clear text with prior knowledge (h2c), as the gateway serves both */
    public static SseClient connect(Vertx vertx, int port, String path, Map<String, String> headers, HttpVersion version) {
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(version == HttpVersion.HTTP_2)
                .setProtocolVersion(version).setHttp2ClearTextUpgrade(false));
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port)
                .setURI(path).putHeader("Accept", "text/event-stream");
        headers.forEach(options::putHeader);
        // All on one Vert.x context, so the response's handlers are set as it arrives: from this thread, each call would
        // get a context of its own, the response's callbacks would run on another event loop than its connection, and
        // a short body (a refusal) could end before its handler was set.
        Promise<SseClient> connected = Promise.promise();
        vertx.getOrCreateContext().runOnContext(v -> client.request(options).compose(request -> request.send())
                .compose(response -> response.statusCode() == 200
                        ? Future.succeededFuture(new SseClient(client, response, null))
                        : response.body().map(body -> new SseClient(client, response, body.toString(StandardCharsets.UTF_8))))
                .onComplete(connected));
        try {
            return connected.future().await(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            client.close();
            throw new AssertionError("could not open " + path + ": " + e, e);
        }
    }

    public int status() {
        return response.statusCode();
    }

    public MultiMap headers() {
        return response.headers();
    }

    /** @return the body of a refused request (a problem document), {@code null} for a stream */
    public String body() {
        return body;
    }

    /** @return the events received so far, in order */
    public synchronized List<Event> events() {
        return List.copyOf(events);
    }

    /** @return the stories received so far: the data of the default ({@code message}) events, in order */
    public synchronized List<JsonObject> stories() {
        return events.stream().filter(event -> "message".equals(event.event())).map(Event::json).toList();
    }

    /** @return comment lines received so far (heartbeats) */
    public synchronized int comments() {
        return comments;
    }

    /** @return whether the server ended the stream or the connection closed */
    public synchronized boolean ended() {
        return ended;
    }

    /** Waits until an event matching {@code condition} arrived, and returns the first such. */
    public Event awaitEvent(Predicate<Event> condition, Duration deadline) {
        return await().atMost(deadline).pollInterval(Duration.ofMillis(10))
                .until(() -> events().stream().filter(condition).findFirst().orElse(null), found -> found != null);
    }

    /** Waits until a story with this id arrived and returns its event. */
    public Event awaitStory(String storyId, Duration deadline) {
        return awaitEvent(event -> "message".equals(event.event()) && storyId.equals(event.json().getString("storyId")),
                deadline);
    }

    private synchronized void received(Buffer chunk) {
        pending.append(chunk.toString(StandardCharsets.UTF_8));
        int end;
        while ((end = pending.indexOf("\n\n")) >= 0) {
            String block = pending.substring(0, end);
            pending.delete(0, end + 2);
            parse(block);
        }
    }

    private void parse(String block) {
        String id = null;
        String event = "message";
        StringBuilder data = null;
        for (String line : block.split("\n")) {
            if (line.startsWith(":")) {
                comments++;
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1).startsWith(" ") ? line.substring(colon + 2)
                    : line.substring(colon + 1);
            switch (field) {
                case "id" -> id = value;
                case "event" -> event = value;
                case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                default -> { } // retry: and unknown fields dispatch nothing
            }
        }
        if (data != null) {
            events.add(new Event(id, event, data.toString()));
        }
    }

    private synchronized void markEnded() {
        ended = true;
    }

    /** @return the protocol the stream came over */
    public HttpVersion version() {
        return response.version();
    }

    @Override
    public void close() {
        if (body == null) {
            response.request().reset(); // the stream only: on HTTP/2 the connection could carry others
        }
        client.close();
    }
}
