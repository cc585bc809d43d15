package io.storycast.gateway.http;

import io.storycast.gateway.audience.InvalidInputException;
import io.storycast.gateway.auth.ApiClient;
import io.storycast.gateway.fanout.DeadLetters;
import io.storycast.gateway.story.FieldProblem;
import io.storycast.gateway.story.Platform;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The operators' view of the dead letters, with an admin key: {@code GET /v1/admin/dead-letters} counts
 * them per partition; {@code GET /v1/admin/dead-letters/{partition}?after=&limit=} lists a partition's,
 * oldest first. A key sees the letters of the platforms it lists; a letter whose event does not decode
 * (so has no known platform) only a key that lists every platform.
 */
final class AdminRoutes {
    private static final Pattern STREAM_ID = Pattern.compile("[0-9]{1,20}-[0-9]{1,20}");
    private static final int MAX_PAGE = 1000;

    private final DeadLetters deadLetters;
    private final int partitions;
    private final int retryAfterSeconds;

    AdminRoutes(DeadLetters deadLetters, int partitions, int retryAfterSeconds) {
        this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
        this.partitions = partitions;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    void counts(RoutingContext context) {
        deadLetters.counts().onSuccess(counts -> {
            long total = counts.stream().mapToLong(Long::longValue).sum();
            context.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(new JsonObject()
                    .put("total", total).put("byPartition", new JsonArray(List.copyOf(counts))).toBuffer());
        }).onFailure(failure -> ApiFailures.respond(context, failure, retryAfterSeconds));
    }

    void list(RoutingContext context) {
        try {
            int partition = partition(context.pathParam("partition"));
            int limit = PathInputs.intQuery(context, "limit", 100, MAX_PAGE);
            String after = context.queryParams().get("after");
            if (after != null && !STREAM_ID.matcher(after).matches()) {
                throw new InvalidInputException(new FieldProblem("after", "format",
                        "after must be the id of a dead letter, such as 1795271729691-0"));
            }
            ApiClient admin = context.get(ApiKeyAuthHandler.CLIENT);
            deadLetters.list(partition, after, limit).onSuccess(letters -> {
                JsonArray visible = new JsonArray();
                for (DeadLetters.DeadLetter letter : letters) {
                    if (maySee(admin, letter.event())) {
                        visible.add(new JsonObject().put("id", letter.id()).put("entry", letter.entry())
                                .put("index", letter.index()).put("reason", letter.reason())
                                .put("deliveries", letter.deliveries()).put("event", letter.event()));
                    }
                }
                context.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(new JsonObject()
                        .put("partition", partition).put("deadLetters", visible)
                        .put("next", letters.size() < limit ? null : letters.get(letters.size() - 1).id())
                        .toBuffer());
            }).onFailure(failure -> ApiFailures.respond(context, failure, retryAfterSeconds));
        } catch (RuntimeException invalid) {
            ApiFailures.respond(context, invalid, retryAfterSeconds);
        }
    }

    private int partition(String text) {
        try {
            int partition = Integer.parseInt(text);
            if (partition >= 0 && partition < partitions) {
                return partition;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw new InvalidInputException(new FieldProblem("partition", "range",
                "partition must be an integer from 0 to " + (partitions - 1) + ", was " + text));
    }

    private static boolean maySee(ApiClient admin, String event) {
        Platform platform = null;
        try {
            platform = Platform.fromWireName(new JsonObject(event).getString("platform"));
        } catch (DecodeException | ClassCastException undecodable) {
            // no known platform
        }
        return platform != null ? admin.mayActFor(platform) : admin.platforms().size() == Platform.values().length;
    }
}
