package io.storycast.gateway.http;

import io.storycast.gateway.fanout.TargetProgress;
import io.storycast.gateway.live.LiveFeed;
import io.storycast.gateway.story.Platform;
import io.storycast.gateway.trays.StoryRecord;
import io.storycast.gateway.trays.StoryRecords;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One story after ingest, for a producer allowed for its platform: {@code GET /v1/stories/{platform}/{storyId}}
 * shows the story and its fan-out state per target platform; {@code DELETE} retracts it from every tray at
 * once (and live connections that were sent it are told). Both answer 404 for a story with no record: unknown, expired, or accepted but not yet begun by the
 * fan-out (normally a matter of milliseconds; the detail says so).
 */
final class StoryStateRoutes {
    private final StoryRecords records;
    private final LiveFeed live;
    private final int retryAfterSeconds;

    /** @param live told of each retraction, so live connections that were sent the story hear of it */
    StoryStateRoutes(StoryRecords records, LiveFeed live, int retryAfterSeconds) {
        this.records = Objects.requireNonNull(records, "records");
        this.live = Objects.requireNonNull(live, "live");
        this.retryAfterSeconds = retryAfterSeconds;
    }

    void get(RoutingContext context) {
        try {
            Platform platform = PathInputs.allowedPlatform(context);
            String storyId = PathInputs.id(context, "storyId");
            records.read(platform, storyId).onSuccess(hash -> {
                if (!hash.containsKey(StoryRecord.TARGETS)) {
                    notFound(context, platform, storyId);
                    return;
                }
                context.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                        .end(toJson(platform, storyId, hash).toBuffer());
            }).onFailure(failure -> ApiFailures.respond(context, failure, retryAfterSeconds));
        } catch (RuntimeException invalid) {
            ApiFailures.respond(context, invalid, retryAfterSeconds);
        }
    }

    void delete(RoutingContext context) {
        try {
            Platform platform = PathInputs.allowedPlatform(context);
            String storyId = PathInputs.id(context, "storyId");
            records.retract(platform, storyId, System.currentTimeMillis()).onSuccess(outcome -> {
                if (outcome == StoryRecords.Retraction.UNKNOWN) {
                    notFound(context, platform, storyId);
                } else {
                    if (outcome == StoryRecords.Retraction.RETRACTED) {
                        live.retracted(platform, storyId); // never waited for: a failure is counted
                    }
                    context.response().setStatusCode(204).end(); // a repeated retraction changes nothing
                }
            }).onFailure(failure -> ApiFailures.respond(context, failure, retryAfterSeconds));
        } catch (RuntimeException invalid) {
            ApiFailures.respond(context, invalid, retryAfterSeconds);
        }
    }

    private static void notFound(RoutingContext context, Platform platform, String storyId) {
        Problems.send(context.response(), Problems.problem(404, "story-not-found", "Story not found",
                "no story " + storyId + " on " + platform.wireName() + ": unknown, expired, or accepted moments ago "
                        + "and not yet begun by the fan-out (then retry shortly)").put("field", "storyId"));
    }

    private static JsonObject toJson(Platform platform, String storyId, Map<String, String> hash) {
        JsonObject fanout = new JsonObject();
        for (Platform target : StoryRecord.parseTargets(hash.get(StoryRecord.TARGETS))) {
            TargetProgress progress = TargetProgress.of(hash, target);
            JsonObject state = new JsonObject().put("state", progress.state().wireName()).put("written", progress.written());
            if (progress.route() != null) {
                state.put("route", progress.route().wireName());
            }
            String finishedAt = hash.get(TargetProgress.finishedAtField(target));
            if (finishedAt != null && progress.isDone()) {
                state.put("finishedAt", instant(finishedAt));
            }
            if (progress.reason() != null && !progress.isDone()) {
                state.put("reason", progress.reason());
            }
            fanout.put(target.wireName(), state);
        }
        String retracted = hash.get(StoryRecord.RETRACTED);
        return new JsonObject()
                .put("platform", platform.wireName())
                .put("storyId", storyId)
                .put("authorId", hash.get(StoryRecord.AUTHOR))
                .put("audience", hash.get(StoryRecord.AUDIENCE))
                .put("createdAt", instant(hash.get(StoryRecord.CREATED_AT)))
                .put("expiresAt", instant(hash.get(StoryRecord.EXPIRES_AT)))
                .put("media", new JsonObject().put("id", hash.get(StoryRecord.MEDIA_ID)).put("kind", hash.get(StoryRecord.MEDIA_KIND)))
                .put("caption", hash.get(StoryRecord.CAPTION))
                .put("retractedAt", retracted == null ? null : instant(retracted))
                .put("fanout", fanout);
    }

    private static String instant(String epochMillis) {
        return epochMillis == null ? null : Instant.ofEpochMilli(Long.parseLong(epochMillis)).toString();
    }
}
