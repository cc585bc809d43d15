package io.storycast.gateway.http;

import io.storycast.gateway.config.IngestConfig;
import io.storycast.gateway.ingest.LineResult;
import io.storycast.gateway.ingest.NdjsonLines;
import io.storycast.gateway.auth.ApiClient;
import io.storycast.gateway.ingest.StoryIngestor;
import io.storycast.gateway.metrics.GatewayCounters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.Objects;

/**
 * {@code POST /v1/stories}: one event as {@code application/json}, or a batch as
 * {@code application/x-ndjson} answered line by line like a bulk API. Runs after authentication and
 * body reading; renders the {@link StoryIngestor}'s results as HTTP.
 */
final class StoryRoutes {
    private final StoryIngestor ingestor;
    private final IngestConfig ingestConfig;
    private final GatewayCounters counters;

    StoryRoutes(StoryIngestor ingestor, IngestConfig ingestConfig, GatewayCounters counters) {
        this.ingestor = Objects.requireNonNull(ingestor, "ingestor");
        this.ingestConfig = Objects.requireNonNull(ingestConfig, "ingestConfig");
        this.counters = Objects.requireNonNull(counters, "counters");
    }

    void postStories(RoutingContext context) {
        ApiClient producer = context.get(ApiKeyAuthHandler.CLIENT);
        byte[] body = context.body().buffer() == null ? new byte[0] : context.body().buffer().getBytes();
        boolean batch = context.get(IngestContentTypeHandler.IS_BATCH, false);
        NdjsonLines lines = batch ? NdjsonLines.split(body, ingestConfig.maxBatchEvents()) : NdjsonLines.single(body);
        context.put(IngestTimingHandler.COUNTED, true);
        if (lines == null) {
            counters.rejected("too-many-events", 1);
            Problems.send(context.response(), Problems.problem(413, "too-many-events", "Too many events",
                    "an NDJSON request may hold at most " + ingestConfig.maxBatchEvents() + " events (ingest.maxBatchEvents)")
                    .put("limit", "ingest.maxBatchEvents").put("maxEvents", ingestConfig.maxBatchEvents()));
            return;
        }
        if (lines.count() == 0) {
            counters.rejected("empty-body", 1);
            Problems.send(context.response(), Problems.problem(400, "invalid-event", "Invalid story event",
                    "the request body holds no event").put("field", "body").put("rule", "required"));
            return;
        }
        ingestor.ingest(producer, body, lines).onComplete(done -> {
            if (done.failed()) {
                context.fail(done.cause());
                return;
            }
            count(done.result());
            if (batch) {
                respondToBatch(context, done.result());
            } else {
                respondToSingle(context, done.result().get(0));
            }
        });
    }

    private void count(List<LineResult> results) {
        int accepted = 0;
        int duplicates = 0;
        for (LineResult result : results) {
            switch (result.status()) {
                case ACCEPTED -> accepted++;
                case DUPLICATE -> duplicates++;
                case INVALID -> counters.rejected("invalid", 1);
                case FORBIDDEN -> counters.rejected("forbidden", 1);
                case UNAVAILABLE -> counters.rejected("unavailable", 1);
            }
        }
        if (accepted > 0) {
            counters.accepted(accepted);
        }
        if (duplicates > 0) {
            counters.duplicates(duplicates);
        }
    }

    private void respondToSingle(RoutingContext context, LineResult result) {
        switch (result.status()) {
            case ACCEPTED, DUPLICATE -> context.response()
                    .setStatusCode(result.status() == LineResult.Status.ACCEPTED ? 202 : 200)
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end(BatchReport.writeSingle(result));
            case INVALID -> Problems.send(context.response(), invalidEvent(result));
            case FORBIDDEN -> Problems.send(context.response(), Problems.problem(403, "forbidden-platform",
                    "Platform not allowed", result.problem().detail()).put("field", "platform"));
            case UNAVAILABLE -> Problems.sendRetryLater(context.response(), unavailable(
                    "the story stream did not confirm the write in time; nothing is acknowledged, retry later"),
                    ingestConfig.retryAfterSeconds());
        }
    }

    private void respondToBatch(RoutingContext context, List<LineResult> results) {
        boolean unavailable = results.stream().anyMatch(result -> result.status() == LineResult.Status.UNAVAILABLE);
        if (unavailable) {
            // Some lines' outcome is unknown: the producer must retry them (safe, duplicates are detected).
            JsonObject problem = unavailable("some lines were not confirmed in time (status unavailable): retry "
                    + "them; lines with status accepted or duplicate are durable");
            Problems.retryLater(context.response(), problem, ingestConfig.retryAfterSeconds())
                    .setStatusCode(503)
                    .putHeader(HttpHeaders.CONTENT_TYPE, Problems.PROBLEM_JSON)
                    .end(BatchReport.write(results, problem));
            return;
        }
        context.response().setStatusCode(200)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(BatchReport.write(results, null));
    }

    private static JsonObject invalidEvent(LineResult result) {
        return Problems.problem(400, "invalid-event", "Invalid story event", result.problem().detail())
                .put("field", result.problem().field()).put("rule", result.problem().rule());
    }

    private static JsonObject unavailable(String detail) {
        return Problems.problem(503, "store-unavailable", "Story store unavailable", detail);
    }
}
