package io.storycast.gateway.http;

import io.storycast.gateway.config.TraysConfig;
import io.storycast.gateway.story.Platform;
import io.storycast.gateway.trays.TrayCursor;
import io.storycast.gateway.trays.TrayEntries;
import io.storycast.gateway.trays.TrayReader;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.Objects;

/**
 * {@code GET /v1/trays/{platform}/{subscriberId}?limit=&cursor=}: a page of a subscriber's tray, newest
 * first, for a reader whose key lists the platform. Each story carries the media reference for the tray's
 * platform (the rendition of that platform).
 */
final class TrayRoutes {
    private final TrayReader trays;
    private final TraysConfig config;
    private final int retryAfterSeconds;

    TrayRoutes(TrayReader trays, TraysConfig config, int retryAfterSeconds) {
        this.trays = Objects.requireNonNull(trays, "trays");
        this.config = Objects.requireNonNull(config, "config");
        this.retryAfterSeconds = retryAfterSeconds;
    }

    void get(RoutingContext context) {
        try {
            Platform platform = PathInputs.allowedPlatform(context);
            String subscriberId = PathInputs.id(context, "subscriberId");
            int limit = PathInputs.intQuery(context, "limit", Math.min(20, config.maxPageSize()), config.maxPageSize());
            TrayCursor after = TrayCursor.decode(context.queryParams().get("cursor"));
            trays.page(platform, subscriberId, limit, after)
                    .onSuccess(page -> {
                        JsonArray stories = new JsonArray();
                        page.stories().forEach(story -> stories.add(TrayEntries.toJson(story, platform)));
                        context.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(new JsonObject()
                                .put("platform", platform.wireName()).put("subscriberId", subscriberId)
                                .put("stories", stories)
                                .put("next", page.next() == null ? null : page.next().encode())
                                .toBuffer());
                    })
                    .onFailure(failure -> ApiFailures.respond(context, failure, retryAfterSeconds));
        } catch (RuntimeException invalid) {
            ApiFailures.respond(context, invalid, retryAfterSeconds);
        }
    }
}
