package io.storycast.gateway.http;

import io.storycast.gateway.config.StorycastConfig;
import io.storycast.gateway.live.LiveLoop;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Assembles the routes. The ingest route is a pipeline of small handlers, cheapest refusal first:
 * in-flight bound (429) → content type (415) → producer key (401) → bounded body read (413) → ingest.
 * Every error leaves as problem+json, including the router's own 404 and 405.
 */
public final class GatewayRouter {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayRouter.class);

    private GatewayRouter() {
    }

    /** @param live this event loop's live connections, or {@code null} when live delivery is off ({@code /v1/live} is 404) */
    static Router create(Vertx vertx, StorycastConfig config, SharedHttpState shared, EventLoopServices services,
                         LiveLoop live) {
        Router router = Router.router(vertx);
        StoryRoutes stories = new StoryRoutes(services.ingestor(), config.ingest(), shared.metrics().counters());
        HealthRoutes health = new HealthRoutes(shared.readiness(), services.streams());
        int retryAfter = config.ingest().retryAfterSeconds();

        ApiKeyAuthHandler auth = new ApiKeyAuthHandler(shared.producers(), "producer key");
        router.route(HttpMethod.POST, "/v1/stories")
                .handler(new IngestTimingHandler(shared.metrics().latencies().httpIngest(), shared.metrics().counters()))
                .handler(new InFlightLimitHandler(shared.inFlight(), retryAfter))
                .handler(new IngestContentTypeHandler())
                .handler(auth)
                .handler(BodyHandler.create(false).setBodyLimit(config.http().maxBodyBytes()))
                .handler(stories::postStories);
        StoryStateRoutes storyState = new StoryStateRoutes(services.storyRecords(), services.live(), retryAfter);
        router.get("/v1/stories/:platform/:storyId").handler(auth).handler(storyState::get);
        router.delete("/v1/stories/:platform/:storyId").handler(auth).handler(storyState::delete);
        addAudienceRoutes(router, config, new AudienceRoutes(services.audiences(), config.audience(), retryAfter), auth,
                shared.inFlight());
        CrossShareRoutes crossShare = new CrossShareRoutes(services.crossShares(), retryAfter);
        router.get("/v1/authors/:authorId/cross-share").handler(auth).handler(crossShare::get);
        router.put("/v1/authors/:authorId/cross-share").handler(auth)
                .handler(BodyHandler.create(false).setBodyLimit(config.http().maxBodyBytes()))
                .handler(crossShare::put);
        router.get("/v1/trays/:platform/:subscriberId").handler(new ApiKeyAuthHandler(shared.readers(), "reader key"))
                .handler(new TrayRoutes(services.trays(), config.trays(), retryAfter)::get);
        ApiKeyAuthHandler admin = new ApiKeyAuthHandler(shared.admins(), "admin key");
        AdminRoutes deadLetters = new AdminRoutes(services.deadLetters(), config.ingest().streamPartitions(), retryAfter);
        router.get("/v1/admin/dead-letters").handler(admin).handler(deadLetters::counts);
        router.get("/v1/admin/dead-letters/:partition").handler(admin).handler(deadLetters::list);
        addMediaRoutes(router, shared, services, auth, retryAfter);
        if (live != null) {
            live.addRoutes(router);
        }
        router.get("/healthz").handler(health::alive);
        router.get("/readyz").handler(health::ready);

        router.route().failureHandler(context -> failure(context, config));
        router.errorHandler(404, context -> Problems.send(context.response(),
                Problems.problem(404, "not-found", "Not found", "no resource at " + context.request().path())));
        router.errorHandler(415, context -> Problems.send(context.response(),
                Problems.problem(415, "unsupported-media-type", "Unsupported media type",
                        "send application/json or application/x-ndjson, not " + context.request().getHeader("Content-Type"))
                        .put("field", "Content-Type")));
        router.errorHandler(405, context -> Problems.send(context.response(),
                Problems.problem(405, "method-not-allowed", "Method not allowed",
                        context.request().method() + " is not allowed on " + context.request().path())));
        return router;
    }

    /**
     * Bulk changes dispatch on the content type: a JSON array is read whole (within http.maxBodyBytes), NDJSON
     * is streamed with no size limit, one chunk in memory at a time.
     */
    private static void addAudienceRoutes(Router router, StorycastConfig config, AudienceRoutes audience,
                                          ApiKeyAuthHandler auth, InFlightLimiter inFlight) {
        int retryAfter = config.ingest().retryAfterSeconds();
        InFlightLimitHandler bounded = new InFlightLimitHandler(inFlight, retryAfter);
        String list = "/v1/audiences/:platform/:authorId/:list";
        for (boolean remove : new boolean[] {false, true}) {
            String path = remove ? list + "/remove" : list;
            router.post(path).consumes("application/json")
                    .handler(bounded)
                    .handler(auth)
                    .handler(BodyHandler.create(false).setBodyLimit(config.http().maxBodyBytes()))
                    .handler(context -> audience.changeFromArray(context, remove));
            router.post(path).consumes("application/x-ndjson")
                    .handler(bounded)
                    .handler(auth)
                    .handler(context -> audience.changeFromNdjson(context, remove));
        }
        router.get(list).handler(auth).handler(audience::get);
        String mute = "/v1/mutes/:platform/:subscriberId/:authorId";
        router.put(mute).handler(auth).handler(context -> audience.mute(context, true));
        router.delete(mute).handler(auth).handler(context -> audience.mute(context, false));
    }

    /** Producers upload; producers and tray readers read the status and the renditions of their platforms. */
    private static void addMediaRoutes(Router router, SharedHttpState shared, EventLoopServices services,
                                       ApiKeyAuthHandler producers, int retryAfter) {
        MediaUploadRoutes upload = new MediaUploadRoutes(shared.media(), services.media(), retryAfter, shared.metrics());
        MediaReadRoutes read = new MediaReadRoutes(services.media(), shared.media().store(), retryAfter);
        ApiKeyAuthHandler producersOrReaders = new ApiKeyAuthHandler(List.of(shared.producers(), shared.readers()),
                "producer or reader key");
        router.put("/v1/media/:mediaId").handler(producers).handler(upload::put);
        router.get("/v1/media/:mediaId").handler(producersOrReaders).handler(read::status);
        router.get("/v1/media/:mediaId/:platform/:rendition").handler(producersOrReaders).handler(read::bytes);
    }

    private static void failure(RoutingContext context, StorycastConfig config) {
        if (context.response().ended()) {
            return;
        }
        int status = context.statusCode();
        if (status == 413) {
            Problems.send(context.response(), Problems.problem(413, "body-too-large", "Request body too large",
                    "the body exceeds " + config.http().maxBodyBytes() + " bytes (http.maxBodyBytes)")
                    .put("limit", "http.maxBodyBytes").put("maxBytes", config.http().maxBodyBytes()));
            return;
        }
        if (status >= 400 && status < 500) {
            Problems.send(context.response(), Problems.problem(status, "bad-request", "Bad request",
                    "the request was refused with status " + status));
            return;
        }
        LOG.error("unexpected failure on {} {}", context.request().method(), context.request().path(), context.failure());
        Problems.send(context.response(), Problems.problem(500, "internal", "Internal error",
                "the gateway failed unexpectedly; the request may be retried"));
    }
}
