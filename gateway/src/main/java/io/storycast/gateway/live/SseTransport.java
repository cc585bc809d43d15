package io.storycast.gateway.live;

import io.storycast.gateway.http.Problems;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A live connection as Server-Sent Events (the WHATWG HTML "server-sent events" format, {@code text/event-stream}):
 * a story is a default ({@code message}) event with an {@code id:} and the tray entry as its {@code data:};
 * {@code event: retract}, {@code event: resync} and {@code event: reconnect} (the cut-off hint) carry JSON;
 * a heartbeat is a comment line. JSON never holds a raw line break, so every {@code data:} is one line. Works over
 * HTTP/1.1 (chunked) and HTTP/2.
 */
final class SseTransport implements LiveTransport {
    private static final byte[] ID = "id: ".getBytes(StandardCharsets.UTF_8);
    private static final byte[] DATA = "\ndata: ".getBytes(StandardCharsets.UTF_8);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.UTF_8);

    private final HttpServerRequest request;
    private final HttpServerResponse response;
    private final int writeQueueBytes;

    /** @param writeQueueBytes the unsent bytes the response may hold before it reports itself full */
    SseTransport(HttpServerRequest request, int writeQueueBytes) {
        this.request = Objects.requireNonNull(request, "request");
        this.response = request.response();
        this.writeQueueBytes = writeQueueBytes;
    }

    @Override
    public String name() {
        return "sse";
    }

    @Override
    public void open(int retryMillis) {
        response.setStatusCode(200)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .putHeader("X-Accel-Buffering", "no") // a buffering proxy would hold events back
                .setWriteQueueMaxSize(writeQueueBytes);
        if (request.version() != HttpVersion.HTTP_2) {
            // The connection serves this stream only: when the stream ends (a cut-off), it closes.
            response.setChunked(true).putHeader(HttpHeaders.CONNECTION, "close");
        }
        // The headers and the client's reconnection delay go at once: the client knows it is subscribed.
        response.write("retry: " + retryMillis + "\n: subscribed\n\n");
    }

    @Override
    public void refuse(LiveRefusal refusal, int retryAfterSeconds) {
        if (response.ended() || response.headWritten()) {
            response.reset();
            return;
        }
        if (refusal.status() == 401) {
            response.putHeader("WWW-Authenticate", "Bearer realm=\"storycast-live\", error=\"invalid_token\"");
        }
        if (refusal.status() == 503 || refusal.status() == 429) {
            Problems.sendRetryLater(response, refusal.problem(), retryAfterSeconds);
        } else {
            Problems.send(response, refusal.problem());
        }
    }

    @Override
    public boolean writeQueueFull() {
        return response.writeQueueFull();
    }

    @Override
    public void drainHandler(Handler<Void> handler) {
        response.drainHandler(handler);
    }

    @Override
    public Future<Void> writeStory(String id, LivePush push) {
        byte[] idBytes = id.getBytes(StandardCharsets.US_ASCII);
        return response.write(Buffer.buffer(ID.length + idBytes.length + DATA.length + push.entryJson().length + END.length)
                .appendBytes(ID).appendBytes(idBytes).appendBytes(DATA).appendBytes(push.entryJson()).appendBytes(END));
    }

    @Override
    public Future<Void> writeRetract(JsonObject story) {
        return event("retract", story);
    }

    @Override
    public Future<Void> writeResync(JsonObject detail) {
        return event("resync", detail);
    }

    private Future<Void> event(String name, JsonObject data) {
        return response.write(Buffer.buffer().appendString("event: ").appendString(name).appendBytes(DATA)
                .appendBuffer(data.toBuffer()).appendBytes(END));
    }

    @Override
    public void heartbeat() {
        response.write(": heartbeat\n\n");
    }

    @Override
    public void cutOff(JsonObject hint, int retryMillis) {
        if (!response.headWritten()) {
            refuse(new LiveRefusal(503, "live-overloaded", "Live delivery overloaded", hint.getString("detail"), null,
                    "unavailable"), Math.max(1, retryMillis / 1000));
            return;
        }
        response.write("retry: " + retryMillis + "\n");
        event("reconnect", hint);
        // A client that still reads gets the hint and the end of the stream, then the connection closes; one that does
        // not read has its socket closed after the grace, with what it did not take (Vert.x's close would wait for
        // those bytes to leave: ConnectionCloser). On HTTP/2 only the stream ends (the connection carries others).
        HttpConnection connection = request.connection();
        Future<Void> ended = response.end().timeout(CUT_OFF_GRACE_MILLIS, TimeUnit.MILLISECONDS);
        if (request.version() == HttpVersion.HTTP_2) {
            ended.onFailure(stuck -> response.reset());
        } else {
            ended.onComplete(done -> {
                if (done.succeeded()) {
                    connection.close();
                } else {
                    ConnectionCloser.closeNow(connection);
                }
            });
        }
    }
}
