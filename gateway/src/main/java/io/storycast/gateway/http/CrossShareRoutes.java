package io.storycast.gateway.http;

import io.storycast.gateway.audience.CrossShare;
import io.storycast.gateway.audience.CrossShareStore;
import io.storycast.gateway.audience.InvalidInputException;
import io.storycast.gateway.auth.ApiClient;
import io.storycast.gateway.story.FieldProblem;
import io.storycast.gateway.story.Platform;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.Objects;

/**
 * {@code GET} and {@code PUT /v1/authors/{authorId}/cross-share}. A {@code PUT} replaces the author's
 * whole preference (a source left out shares nowhere) and needs a key allowed for every source platform
 * it names; any valid key may read.
 */
final class CrossShareRoutes {
    private final CrossShareStore preferences;
    private final int retryAfterSeconds;

    CrossShareRoutes(CrossShareStore preferences, int retryAfterSeconds) {
        this.preferences = Objects.requireNonNull(preferences, "preferences");
        this.retryAfterSeconds = retryAfterSeconds;
    }

    void get(RoutingContext context) {
        try {
            String authorId = PathInputs.id(context, "authorId");
            preferences.get(authorId)
                    .onSuccess(preference -> context.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                            .end(preference.toJson().toBuffer()))
                    .onFailure(failure -> ApiFailures.respond(context, failure, retryAfterSeconds));
        } catch (RuntimeException invalid) {
            ApiFailures.respond(context, invalid, retryAfterSeconds);
        }
    }

    void put(RoutingContext context) {
        try {
            String authorId = PathInputs.id(context, "authorId");
            JsonObject body;
            try {
                body = context.body().asJsonObject();
            } catch (RuntimeException malformed) {
                throw new InvalidInputException(new FieldProblem("body", "json", "the body is not valid JSON: " + malformed.getMessage()));
            }
            if (body == null) {
                throw new InvalidInputException(FieldProblem.type("body", "a JSON object of source platform to target platforms"));
            }
            CrossShare preference = CrossShare.fromJson(body);
            ApiClient caller = context.get(ApiKeyAuthHandler.CLIENT);
            for (String source : body.fieldNames()) {
                Platform platform = Platform.fromWireName(source); // known: fromJson checked every name
                if (!caller.mayActFor(platform)) {
                    throw new PathInputs.ForbiddenPlatformException(caller.name(), platform);
                }
            }
            preferences.put(authorId, preference)
                    .onSuccess(ignored -> context.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                            .end(preference.toJson().toBuffer()))
                    .onFailure(failure -> ApiFailures.respond(context, failure, retryAfterSeconds));
        } catch (RuntimeException invalid) {
            ApiFailures.respond(context, invalid, retryAfterSeconds);
        }
    }
}
