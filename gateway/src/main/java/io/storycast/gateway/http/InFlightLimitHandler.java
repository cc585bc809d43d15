package io.storycast.gateway.http;

import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;

import java.util.Objects;

/**
 * First handler of the ingest route: refuses with 429 and {@code Retry-After} when
 * {@code http.maxInFlightRequests} requests are already being handled, before any byte of the body is
 * read. A platform handler so Vert.x Web runs it ahead of the body handler.
 */
final class InFlightLimitHandler implements PlatformHandler {
    private final InFlightLimiter limiter;
    private final int retryAfterSeconds;

    InFlightLimitHandler(InFlightLimiter limiter, int retryAfterSeconds) {
        this.limiter = Objects.requireNonNull(limiter, "limiter");
        this.retryAfterSeconds = retryAfterSeconds;
    }

    @Override
    public void handle(RoutingContext context) {
        if (!limiter.tryAcquire()) {
            Problems.sendRetryLater(context.response(), Problems.problem(429, "overloaded", "Too many requests",
                    "more than " + limiter.maxInFlight() + " ingest requests are in flight (http.maxInFlightRequests)")
                    .put("limit", "http.maxInFlightRequests"), retryAfterSeconds);
            return;
        }
        context.addEndHandler(ended -> limiter.release());
        context.next();
    }
}
