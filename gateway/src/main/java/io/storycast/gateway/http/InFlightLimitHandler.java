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
        // Released as the answer's headers are written, in the same event-loop step as end(): a client that
        // reads the answer and sends its next request must find the slot free. The end handler covers a
        // connection closed before any answer. Both run on this request's event loop; the flag keeps it once.
        boolean[] released = {false};
        Runnable release = () -> {
            if (!released[0]) {
                released[0] = true;
                limiter.release();
            }
        };
        context.addHeadersEndHandler(headers -> release.run());
        context.addEndHandler(ended -> release.run());
        context.next();
    }
}
