package io.storycast.gateway.metrics;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.Objects;

/**
 * The management listener's routes, unauthenticated like any Prometheus target (bind it to an address only
 * the scrapers and operators reach: {@code metrics.host}):
 * <ul>
 *   <li>{@code GET /metrics}: the Micrometer registry in Prometheus's text format 0.0.4 (written by the
 *       Prometheus client library through Micrometer);</li>
 *   <li>{@code GET /v1/stats/latency}: every stage's distribution as JSON; {@code ?format=hgrm} for
 *       HdrHistogram's percentile-distribution text, {@code &stage=<name>} for one stage (what the plotter
 *       reads), {@code &window=lastInterval} for the last interval instead of since start;</li>
 *   <li>{@code GET /v1/stats/streams}: the stream groups' lag and pending entries per partition, as JSON (the
 *       values of the {@code storycast_stream_*} gauges);</li>
 *   <li>{@code GET /dashboard/}: a page drawing those feeds live ({@link DashboardRoutes}).</li>
 * </ul>
 * {@code /metrics} and {@code /v1/stats/latency} are built on a worker thread (a scrape serialises every
 * meter), never the event loop; the streams' JSON is a few numbers per partition, built on the event loop.
 */
final class MetricsRoutes {
    /** Prometheus text format 0.0.4, as Micrometer's {@code scrape()} writes it. */
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final Vertx vertx;
    private final ProcessMetrics metrics;
    private final StreamGroupStats streams;
    private final DashboardRoutes dashboard;

    MetricsRoutes(Vertx vertx, ProcessMetrics metrics, StreamGroupStats streams) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.streams = Objects.requireNonNull(streams, "streams");
        this.dashboard = new DashboardRoutes();
    }

    Router router() {
        Router router = Router.router(vertx);
        router.get("/metrics").handler(this::scrape);
        router.get("/v1/stats/latency").handler(this::latency);
        router.get("/v1/stats/streams").handler(this::streams);
        dashboard.addTo(router);
        return router;
    }

    private void scrape(RoutingContext context) {
        vertx.executeBlocking(() -> metrics.registry().scrape(), false).onComplete(scraped -> {
            if (scraped.failed()) {
                context.fail(scraped.cause());
                return;
            }
            context.response().putHeader(HttpHeaders.CONTENT_TYPE, PROMETHEUS_TEXT).end(scraped.result());
        });
    }

    private void latency(RoutingContext context) {
        String format = context.queryParams().get("format");
        String stageName = context.queryParams().get("stage");
        String window = context.queryParams().get("window");
        if (format != null && !format.equals("json") && !format.equals("hgrm")) {
            badRequest(context, "format must be json or hgrm");
            return;
        }
        if (window != null && !window.equals("sinceStart") && !window.equals("lastInterval")) {
            badRequest(context, "window must be sinceStart or lastInterval");
            return;
        }
        List<StageSnapshot> stages;
        if (stageName == null) {
            stages = metrics.intervals().snapshots();
        } else {
            StageSnapshot stage = metrics.intervals().snapshot(stageName);
            if (stage == null) {
                problem(context, 404, "not-found", "Not found", "no stage named " + stageName);
                return;
            }
            stages = List.of(stage);
        }
        boolean hgrm = "hgrm".equals(format);
        boolean sinceStart = !"lastInterval".equals(window);
        vertx.executeBlocking(() -> hgrm ? LatencyReport.hgrm(stages, sinceStart)
                : LatencyReport.json(stages, metrics.config().intervalMillis()).encode(), false).onComplete(built -> {
            if (built.failed()) {
                context.fail(built.cause());
                return;
            }
            context.response().putHeader(HttpHeaders.CONTENT_TYPE, hgrm ? "text/plain; charset=utf-8" : "application/json")
                    .end(built.result());
        });
    }

    private void streams(RoutingContext context) {
        context.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(streams.json().put("intervalMillis", metrics.config().intervalMillis()).toBuffer());
    }

    private static void badRequest(RoutingContext context, String detail) {
        problem(context, 400, "bad-request", "Bad request", detail);
    }

    /** The API's problem+json (RFC 9457), written here so this package does not depend on the API's. */
    private static void problem(RoutingContext context, int status, String type, String title, String detail) {
        context.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/problem+json")
                .end(new JsonObject().put("type", "urn:storycast:problem:" + type).put("status", status)
                        .put("title", title).put("detail", detail).toBuffer());
    }
}
