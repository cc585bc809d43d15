package io.storycast.gateway.http;

import io.storycast.gateway.redis.StoryStreams;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.Objects;

/**
 * {@code /healthz}: the process is alive (always 200 while it serves HTTP). {@code /readyz}: it should get
 * traffic: started, not draining, Redis answering and every story stream present; else 503.
 */
final class HealthRoutes {
    private final Readiness readiness;
    private final StoryStreams streams;

    HealthRoutes(Readiness readiness, StoryStreams streams) {
        this.readiness = Objects.requireNonNull(readiness, "readiness");
        this.streams = Objects.requireNonNull(streams, "streams");
    }

    void alive(RoutingContext context) {
        context.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(new JsonObject().put("status", "up").toBuffer());
    }

    void ready(RoutingContext context) {
        if (!readiness.acceptsTraffic()) {
            Problems.send(context.response(), Problems.problem(503, "not-ready", "Not ready",
                    readiness.isDraining() ? "the gateway is shutting down" : "the gateway is starting"));
            return;
        }
        streams.ensureCreated().onComplete(check -> {
            if (check.succeeded()) {
                context.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                        .end(new JsonObject().put("status", "ready").toBuffer());
            } else {
                Problems.send(context.response(), Problems.problem(503, "not-ready", "Not ready",
                        "Redis is not reachable or the story streams are missing: " + check.cause().getMessage()));
            }
        });
    }
}
