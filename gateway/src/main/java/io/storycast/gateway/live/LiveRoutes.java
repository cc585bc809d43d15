package io.storycast.gateway.live;

import io.storycast.gateway.audience.InvalidInputException;
import io.storycast.gateway.story.Ids;
import io.storycast.gateway.story.Platform;
import io.storycast.gateway.trays.TrayCursor;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The live routes of one HTTP event loop:
 * <ul>
 *   <li>{@code GET /v1/live/{platform}/{subscriberId}}: Server-Sent Events; the token as
 *       {@code Authorization: Bearer} or the {@code access_token} query parameter (a browser's EventSource cannot
 *       set headers); the resume id as {@code Last-Event-ID} (what EventSource sends when it reconnects) or the
 *       {@code lastEventId} query parameter;</li>
 *   <li>{@code GET /v1/live/ws}: the same over WebSocket, subscribed by the first message ({@link WebSocketSubscribe});</li>
 *   <li>{@code /live-demo/}: the example client page, when {@code live.demoPage} is on.</li>
 * </ul>
 * Refusals, cheapest first: no token secret configured (503 {@code live-not-configured}), the token (401), the path
 * (400), the token's subject against the path (403), the resume id (400), the process's subscription (503), the
 * connection limit (503 {@code too-many-connections}); 503s carry {@code Retry-After}.
 */
final class LiveRoutes {
    /** The example page's files on the class path: index.html, live-demo.js, live-demo.css. */
    static final String DEMO_ROOT = "webroot/live-demo";
    /** Nothing but this origin: the page's script and style, and its EventSource. */
    static final String DEMO_CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private static final String BEARER = "Bearer ";

    private LiveRoutes() {
    }

    static void addTo(Router router, LiveLoop loop) {
        router.get("/v1/live/ws").handler(context -> WebSocketSubscribe.accept(context, loop));
        router.get("/v1/live/:platform/:subscriberId").handler(context -> serverSentEvents(context, loop));
        if (loop.config().demoPage()) {
            router.get("/live-demo").handler(context -> {
                if (context.request().path().endsWith("/")) {
                    context.next();
                } else {
                    context.redirect("live-demo/");
                }
            });
            router.get("/live-demo/*").handler(context -> {
                context.response().putHeader("Content-Security-Policy", DEMO_CONTENT_SECURITY_POLICY)
                        .putHeader("X-Content-Type-Options", "nosniff").putHeader("Referrer-Policy", "no-referrer");
                context.next();
            });
            router.get("/live-demo/*").handler(StaticHandler.create(DEMO_ROOT).setCachingEnabled(false));
        }
    }

    private static void serverSentEvents(RoutingContext context, LiveLoop loop) {
        HttpServerRequest request = context.request();
        LiveRefusal unserved = unserved(loop);
        if (unserved != null) {
            refuse(context, loop, unserved);
            return;
        }
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        String query = context.queryParams().get("access_token");
        Future<LiveTokens.Subject> subject;
        if (header != null && query != null) {
            subject = Future.failedFuture(LiveRefusal.invalid("send the token once: as 'Authorization: Bearer' or as "
                    + "the access_token query parameter, not both", "access_token"));
        } else if (header != null && !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            subject = Future.failedFuture(LiveRefusal.unauthorized("send the token as 'Authorization: Bearer <token>'",
                    "Authorization"));
        } else if (header != null) {
            subject = loop.tokens().verify(header.substring(BEARER.length()).trim(), "Authorization");
        } else {
            subject = loop.tokens().verify(query, "access_token");
        }
        subject.compose(verified -> {
            try {
                Platform platform = pathPlatform(context.pathParam("platform"));
                String subscriberId = checkedId(context.pathParam("subscriberId"));
                checkSubject(verified, platform, subscriberId);
                String resume = request.getHeader("Last-Event-ID");
                TrayCursor resumeFrom = resumeId(resume != null ? resume : context.queryParams().get("lastEventId"),
                        resume != null ? "Last-Event-ID" : "lastEventId");
                LiveRefusal busy = tryOpen(loop, "sse");
                if (busy != null) {
                    return Future.failedFuture(busy);
                }
                LiveSession session = new LiveSession(loop, platform, subscriberId,
                        new SseTransport(request, loop.config().writeQueueBytes()));
                context.response().closeHandler(closed -> session.closed());
                context.response().exceptionHandler(failed -> session.closed());
                session.start(resumeFrom);
                return Future.succeededFuture();
            } catch (LiveRefusal refusal) {
                return Future.failedFuture(refusal);
            }
        }).onFailure(failure -> {
            if (failure instanceof LiveRefusal refusal) {
                refuse(context, loop, refusal);
            } else {
                context.fail(failure); // a bug, not a refusal: the router's failure handler logs it and answers 500
            }
        });
    }

    /** @return why this process cannot serve a live connection now, or {@code null} when it can */
    static LiveRefusal unserved(LiveLoop loop) {
        if (loop.tokens() == null) {
            return LiveRefusal.unavailable("live-not-configured", "Live delivery not configured", "this gateway serves no "
                    + "live connection: it has no live.tokenSecret (STORYCAST_LIVE_TOKEN_SECRET); connect to one that has",
                    "live.tokenSecret", "not-configured");
        }
        if (!loop.hub().ready()) {
            return LiveRefusal.unavailable("store-unavailable", "Store unavailable", "this gateway is not subscribed to "
                    + "Redis for live delivery yet; retry shortly", null, "unavailable");
        }
        return null;
    }

    /** @return the refusal when no place is free among {@code live.maxConnections}, else {@code null} (a place taken) */
    static LiveRefusal tryOpen(LiveLoop loop, String transport) {
        return loop.tryOpen(transport) ? null : LiveRefusal.unavailable("too-many-connections", "Too many live connections",
                "this gateway holds live.maxConnections (" + loop.config().maxConnections() + ") live connections; "
                        + "retry later or connect to another gateway", "live.maxConnections", "too-many-connections");
    }

    static Platform pathPlatform(String name) {
        Platform platform = Platform.fromWireName(name);
        if (platform == null) {
            throw LiveRefusal.invalid("platform must be one of " + Platform.wireNames() + ", was " + name, "platform");
        }
        return platform;
    }

    static String checkedId(String subscriberId) {
        if (subscriberId == null) {
            throw LiveRefusal.invalid("subscriberId is required", "subscriberId");
        }
        String rule = Ids.brokenRule(subscriberId, Ids.MAX_ID_LENGTH);
        if (rule != null) {
            throw LiveRefusal.invalid(Ids.explain("subscriberId", subscriberId, Ids.MAX_ID_LENGTH, rule), "subscriberId");
        }
        return subscriberId;
    }

    /** @throws LiveRefusal 403 when the token was issued for another subscriber or platform than asked for */
    static void checkSubject(LiveTokens.Subject subject, Platform platform, String subscriberId) {
        if (!subject.subscriberId().equals(subscriberId)) {
            throw LiveRefusal.forbidden("the token is for another subscriber than " + subscriberId, "subscriberId");
        }
        if (subject.platform() != platform) {
            throw LiveRefusal.forbidden("the token is for " + subject.platform().wireName() + ", not "
                    + platform.wireName(), "platform");
        }
    }

    /** @return the resume id, or {@code null} when none was sent */
    static TrayCursor resumeId(String text, String field) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            return TrayCursor.decode(text);
        } catch (InvalidInputException notAnId) {
            throw LiveRefusal.invalid(field + " must be the id of an event this stream sent", field);
        }
    }

    private static void refuse(RoutingContext context, LiveLoop loop, LiveRefusal refusal) {
        loop.counters().refused(refusal.reason());
        new SseTransport(context.request(), loop.config().writeQueueBytes())
                .refuse(refusal, Math.max(1, loop.config().retryMillis() / 1000));
    }
}
