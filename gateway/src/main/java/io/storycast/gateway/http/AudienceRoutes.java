package io.storycast.gateway.http;

import io.storycast.gateway.audience.AudienceStore;
import io.storycast.gateway.audience.InvalidInputException;
import io.storycast.gateway.config.AudienceConfig;
import io.storycast.gateway.story.Audience;
import io.storycast.gateway.story.FieldProblem;
import io.storycast.gateway.story.Platform;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Audiences and mutes:
 * <ul>
 *   <li>{@code POST /v1/audiences/{platform}/{authorId}/{list}} adds members, {@code .../remove} removes
 *       them: a JSON array (read whole, within {@code http.maxBodyBytes}) or NDJSON, one JSON string per
 *       line, streamed in chunks of {@code audience.bulkChunkSize} with the request paused while a chunk
 *       is written, so a body of any length holds one chunk in memory;</li>
 *   <li>{@code GET /v1/audiences/{platform}/{authorId}/{list}?limit=&after=} the count and a page of members;</li>
 *   <li>{@code PUT} and {@code DELETE /v1/mutes/{platform}/{subscriberId}/{authorId}}: 204, idempotent.</li>
 * </ul>
 */
final class AudienceRoutes {
    /** Longest NDJSON line accepted, bytes: an id of 128 characters, its quotes and some white space. */
    static final int MAX_LINE_BYTES = 1024;

    private final AudienceStore audiences;
    private final AudienceConfig config;
    private final int retryAfterSeconds;

    AudienceRoutes(AudienceStore audiences, AudienceConfig config, int retryAfterSeconds) {
        this.audiences = Objects.requireNonNull(audiences, "audiences");
        this.config = Objects.requireNonNull(config, "config");
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** Adds or removes members from a JSON array body, already read by the body handler. */
    void changeFromArray(RoutingContext context, boolean remove) {
        try {
            BulkMemberUpload upload = upload(context, remove);
            JsonArray members;
            try {
                members = context.body().asJsonArray();
            } catch (RuntimeException notAnArray) {
                throw new InvalidInputException(FieldProblem.type("body", "a JSON array of subscriber ids"));
            }
            if (members == null) {
                throw new InvalidInputException(FieldProblem.type("body", "a JSON array of subscriber ids"));
            }
            acceptFrom(members, 0, upload)
                    .onSuccess(ignored -> respond(context, upload, remove))
                    .onFailure(failure -> ApiFailures.respond(context, failure, retryAfterSeconds));
        } catch (RuntimeException invalid) {
            ApiFailures.respond(context, invalid, retryAfterSeconds);
        }
    }

    /** Takes the elements from {@code index} on, writing each chunk as it fills, then the rest. */
    private static Future<Void> acceptFrom(JsonArray members, int index, BulkMemberUpload upload) {
        for (int i = index; i < members.size(); i++) {
            if (upload.acceptElement(i, members.getValue(i))) {
                int next = i + 1;
                return upload.writeChunk().compose(ignored -> acceptFrom(members, next, upload));
            }
        }
        return upload.writeChunk();
    }

    /** Adds or removes members from a streamed NDJSON body, one chunk at a time. */
    void changeFromNdjson(RoutingContext context, boolean remove) {
        BulkMemberUpload upload;
        try {
            upload = upload(context, remove);
        } catch (RuntimeException invalid) {
            ApiFailures.respond(context, invalid, retryAfterSeconds);
            return;
        }
        new NdjsonLineReader(context.request(), MAX_LINE_BYTES,
                (lineNumber, line) -> upload.acceptLine(lineNumber, line) ? upload.writeChunk() : null)
                .start()
                .compose(ignored -> upload.writeChunk())
                .onSuccess(ignored -> respond(context, upload, remove))
                .onFailure(failure -> {
                    if (failure instanceof NdjsonLineReader.LineTooLongException tooLong) {
                        String field = "line " + tooLong.lineNumber;
                        failure = new InvalidInputException(new FieldProblem(field, "length",
                                tooLong.getMessage() + "; the lines before it were written"));
                    }
                    // The rest of the body is not read: a large rest closes the connection (HTTP/2: the stream).
                    UnreadBodies.drop(context, ApiFailures.respond(context, failure, retryAfterSeconds));
                });
    }

    void get(RoutingContext context) {
        try {
            Platform platform = PathInputs.allowedPlatform(context);
            String authorId = PathInputs.id(context, "authorId");
            Audience list = PathInputs.list(context);
            int limit = PathInputs.intQuery(context, "limit", Math.min(100, config.maxPageSize()), config.maxPageSize());
            String after = context.queryParams().get("after");
            if (after != null) {
                PathInputs.checkedId("after", after);
            }
            Future.all(audiences.count(platform, authorId, list), audiences.page(platform, authorId, list, after, limit))
                    .onSuccess(both -> {
                        List<String> members = both.resultAt(1);
                        context.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(new JsonObject()
                                .put("platform", platform.wireName()).put("authorId", authorId).put("list", list.wireName())
                                .put("count", both.<Long>resultAt(0)).put("members", new JsonArray(List.copyOf(members)))
                                .put("next", members.size() < limit ? null : members.get(members.size() - 1))
                                .toBuffer());
                    })
                    .onFailure(failure -> ApiFailures.respond(context, failure, retryAfterSeconds));
        } catch (RuntimeException invalid) {
            ApiFailures.respond(context, invalid, retryAfterSeconds);
        }
    }

    void mute(RoutingContext context, boolean muted) {
        try {
            Platform platform = PathInputs.allowedPlatform(context);
            String subscriberId = PathInputs.id(context, "subscriberId");
            String authorId = PathInputs.id(context, "authorId");
            (muted ? audiences.mute(platform, subscriberId, authorId) : audiences.unmute(platform, subscriberId, authorId))
                    .onSuccess(ignored -> context.response().setStatusCode(204).end())
                    .onFailure(failure -> ApiFailures.respond(context, failure, retryAfterSeconds));
        } catch (RuntimeException invalid) {
            ApiFailures.respond(context, invalid, retryAfterSeconds);
        }
    }

    private BulkMemberUpload upload(RoutingContext context, boolean remove) {
        Platform platform = PathInputs.allowedPlatform(context);
        String authorId = PathInputs.id(context, "authorId");
        Audience list = PathInputs.list(context);
        Function<List<String>, Future<Long>> write = remove
                ? members -> audiences.remove(platform, authorId, list, members)
                : members -> audiences.add(platform, authorId, list, members);
        return new BulkMemberUpload(config.bulkChunkSize(), config.maxReportedProblems(), write);
    }

    private static void respond(RoutingContext context, BulkMemberUpload upload, boolean remove) {
        if (!context.response().ended()) {
            context.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end(upload.report(remove ? "removed" : "added").toBuffer());
        }
    }
}
