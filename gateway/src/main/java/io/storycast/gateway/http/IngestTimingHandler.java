package io.storycast.gateway.http;

import io.storycast.gateway.metrics.GatewayCounters;
import io.storycast.gateway.metrics.StageRecorder;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;

import java.util.Objects;

/**
 * First handler of {@code POST /v1/stories}: times the request from its arrival (before the in-flight bound,
 * the key check and the body read) to its status line, recording 2xx answers in the {@code http.ingest}
 * stage; and counts a request refused before its events were read (401, 413, 415, 429) by reason, since
 * no event of it reached {@link StoryRoutes}, which counts per event. A platform handler, like the in-flight
 * bound it runs before: it only reads the clock and registers a callback.
 */
final class IngestTimingHandler implements PlatformHandler {
    /** Set by {@link StoryRoutes} once it has counted the request's events (or its refusal). */
    static final String COUNTED = "storycast.ingest.counted";

    private final StageRecorder stage;
    private final GatewayCounters counters;

    IngestTimingHandler(StageRecorder stage, GatewayCounters counters) {
        this.stage = Objects.requireNonNull(stage, "stage");
        this.counters = Objects.requireNonNull(counters, "counters");
    }

    @Override
    public void handle(RoutingContext context) {
        long arrivedNanos = System.nanoTime();
        context.addHeadersEndHandler(ignored -> {
            int status = context.response().getStatusCode();
            if (status >= 200 && status < 300) {
                stage.recordSinceNanos(arrivedNanos);
            } else if (!context.get(COUNTED, false)) {
                counters.rejected(reasonOf(status), 1);
            }
        });
        context.next();
    }

    private static String reasonOf(int status) {
        return switch (status) {
            case 401 -> "unauthorized";
            case 413 -> "body-too-large";
            case 415 -> "unsupported-media-type";
            case 429 -> "overloaded";
            default -> "other";
        };
    }
}
