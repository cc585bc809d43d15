package io.storycast.gateway.http;

import io.storycast.gateway.audience.InvalidInputException;
import io.storycast.gateway.redis.StoreUnavailableException;
import io.storycast.gateway.story.FieldProblem;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Answers a failed request of the routes besides ingest (audiences, mutes, cross-share, trays, story
 * state and retraction, admin): bad input 400, a key not allowed for the platform 403, a
 * {@link StoreUnavailableException} (Redis failed, timed out or its pending queue is full) 503 with
 * {@code Retry-After}, since every write of these routes is idempotent and safe to retry; anything else
 * is a bug, left to the router's failure handler (logged, 500).
 */
final class ApiFailures {
    private ApiFailures() {
    }

    /** @return the answer's {@code end()} */
    static Future<Void> respond(RoutingContext context, Throwable failure, int retryAfterSeconds) {
        if (context.response().ended()) {
            return Future.succeededFuture();
        }
        if (failure instanceof InvalidInputException invalid) {
            return Problems.send(context.response(), invalidInput(invalid.problem()));
        } else if (failure instanceof PathInputs.ForbiddenPlatformException forbidden) {
            return Problems.send(context.response(), Problems.problem(403, "forbidden-platform", "Platform not allowed",
                    forbidden.getMessage()).put("field", "platform").put("rule", "forbidden"));
        } else if (failure instanceof StoreUnavailableException unavailable) {
            return Problems.sendRetryLater(context.response(), Problems.problem(503, "store-unavailable",
                    "Store unavailable", unavailable.getMessage() + "; the request is safe to retry"), retryAfterSeconds);
        }
        context.fail(failure); // a bug, not an outage: the router's failure handler logs it and answers 500
        return context.response().ended() ? Future.succeededFuture() : Future.failedFuture(failure);
    }

    static JsonObject invalidInput(FieldProblem problem) {
        return Problems.problem(400, "invalid-input", "Invalid input", problem.detail())
                .put("field", problem.field()).put("rule", problem.rule());
    }
}
