package io.storycast.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatling.http.action.sse.SseInboundMessage;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.listFeeder;
import static io.gatling.javaapi.core.CoreDsl.nothingFor;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.sse;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * Live delivery: {@code liveSubscribers} subscribers hold a Server-Sent Events stream open
 * ({@code GET /v1/live/{platform}/{subscriberId}}, {@code text/event-stream}, a JWT minted with
 * {@code tokenSecret}: {@link LiveTokens}), all following one author; once they are connected, that author posts
 * {@code stories} stories at {@code storyRate} a second, and every connection must receive every story posted
 * after it connected (an SSE event per tray entry, its {@code data} JSON naming the {@code storyId}). Measured,
 * as a request of its own per connection and story: "post to live receive", from just before the post to the
 * event's arrival (Gatling's timestamp of the message); KO when a story did not arrive within
 * {@code receiveTimeoutSeconds} after the last post.
 *
 * <p>Events that arrive while no check waits are kept by Gatling (up to the protocol's unmatched-message buffer,
 * sized for every story) and read every 200 ms with {@code processUnmatchedMessages}, so none is missed
 * between two reads and each keeps its arrival time.
 *
 * <p>Needs a gateway with a {@code live.tokenSecret}, passed here as {@code tokenSecret}. Checked against the gateway
 * jar on 2026-11-21: 50 subscribers, 10 stories, every push received.
 *
 * <p>Parameters beside {@link Target}'s: {@code tokenSecret} (required: the gateway's {@code live.tokenSecret}),
 * {@code tokenIn} {@code header} (Authorization: Bearer) or {@code query} ({@code access_token}) (header),
 * {@code tokenTtlSeconds} (3600), {@code platform} (instagram), {@code liveSubscribers} (100),
 * {@code connectSeconds} over which they connect (10), {@code stories} (20), {@code storyRate} stories/s (2),
 * {@code receiveTimeoutSeconds} (10), {@code idPrefix} (lt), {@code p99Millis} bound of "post to live receive"
 * p99 (1000), {@code maxErrorPercent} (1.0).
 */
public class LiveSimulation extends StorycastSimulation {
    static final String CONNECT = "live connect";
    static final String RECEIVED = "post to live receive";

    private final String secret = Params.string("tokenSecret", "");
    private final boolean tokenInQuery = Params.string("tokenIn", "header").equals("query");
    private final long tokenTtlSeconds = Params.integer("tokenTtlSeconds", 3600, 60);
    private final String platform = StoryEventsFactory.checkPlatforms("platform", List.of(Params.string("platform", "instagram"))).get(0);
    private final int subscribers = Params.integer("liveSubscribers", 100, 1);
    private final int connectSeconds = Params.integer("connectSeconds", 10, 0);
    private final int stories = Params.integer("stories", 20, 1);
    private final double storyRate = Params.decimal("storyRate", 2, 0.001);
    private final int receiveTimeoutSeconds = Params.integer("receiveTimeoutSeconds", 10, 1);
    private final String idPrefix = Params.idPrefix() + "-live";
    private final int p99Millis = Params.integer("p99Millis", 1000, 1);
    private final double maxErrorPercent = maxErrorPercentFromParams();

    private final SeedPlan plan = SeedPlan.oneAuthor(idPrefix, platform, subscribers);
    private final String mediaId = MediaUpload.runMediaId(idPrefix);
    private final StoryEventsFactory events = new StoryEventsFactory(mediaId, idPrefix);
    /** The posting starts this long after the setup: every subscriber connects first. */
    private final Duration postingDelay = Duration.ofSeconds(connectSeconds + 2L);
    private final long listenMillis = (postingDelay.toSeconds() + (long) Math.ceil(stories / storyRate) + receiveTimeoutSeconds) * 1000;

    /** Stories the author posted and the gateway accepted: story id → epoch ms just before its post. */
    private final Map<String, Long> posted = new ConcurrentHashMap<>();
    /** Posts answered, accepted or not: when it reaches {@code stories}, nothing more is coming. */
    private final AtomicInteger postsDone = new AtomicInteger();

    private List<Map<String, Object>> subscriberRecords() {
        if (secret.isEmpty()) {
            throw new IllegalArgumentException("LiveSimulation needs -DtokenSecret=<the gateway's live.tokenSecret> to mint its tokens");
        }
        LiveTokens tokens = new LiveTokens(secret);
        List<Map<String, Object>> records = new ArrayList<>();
        for (int n = 0; n < subscribers; n++) {
            String subscriberId = plan.subscriberId(n);
            records.add(Map.of("subscriberId", subscriberId, "token", tokens.mint(subscriberId, platform, tokenTtlSeconds)));
        }
        return records;
    }

    private final ScenarioBuilder listeners = scenario("live subscribers")
            .feed(listFeeder(subscriberRecords()).queue())
            .exec(tokenInQuery
                    ? sse(CONNECT).get("/v1/live/" + platform + "/#{subscriberId}").queryParam("access_token", "#{token}")
                    : sse(CONNECT).get("/v1/live/" + platform + "/#{subscriberId}").header("Authorization", "Bearer #{token}"))
            .exitHereIfFailed()
            .exec(session -> session.set("connectedAt", Timings.nowMillis()).set("received", new HashMap<String, Long>()))
            .asLongAs(session -> !allReceived(session)
                    && Timings.nowMillis() - session.getLong("connectedAt") < listenMillis).on(
                    pause(Duration.ofMillis(200)),
                    exec(sse.processUnmatchedMessages(this::collect)))
            .exec(sse.processUnmatchedMessages(this::collect))
            .exec(Timings.of(RECEIVED, this::receipts))
            .exec(sse("live close").close());

    private final ScenarioBuilder author = scenario("live author")
            .exec(session -> session.set("storyId", events.newStoryId()).set("postedAt", Timings.nowMillis()))
            .exec(http(FanoutProbe.POST).post("/v1/stories")
                    .header("Authorization", target.producer())
                    .header("Content-Type", "application/json")
                    .body(StringBody(session -> events.event(platform, session.getString("storyId"), plan.authorId(0), null)))
                    .check(status().is(202)))
            .exec(session -> {
                if (!session.isFailed()) {
                    posted.put(session.getString("storyId"), session.getLong("postedAt"));
                }
                postsDone.incrementAndGet();
                return session;
            });

    /** Notes the arrival time of every story event of this run among the messages Gatling kept. */
    private Session collect(List<SseInboundMessage> messages, Session session) {
        Map<String, Long> received = session.get("received");
        for (SseInboundMessage message : messages) {
            String storyId = storyId(message.message());
            if (storyId != null && storyId.startsWith(idPrefix)) {
                received.putIfAbsent(storyId, message.timestamp());
            }
        }
        return session;
    }

    /**
     * @param message Gatling's JSON of one SSE event; its {@code data} is the tray entry, as a JSON string (Gatling
     *                3.14) or embedded as an object (later versions): both are read
     * @return the entry's {@code storyId}, or null for an event that is not a tray entry
     */
    private static String storyId(String message) {
        try {
            JsonNode data = Json.MAPPER.readTree(message).path("data");
            if (data.isTextual()) {
                data = Json.MAPPER.readTree(data.asText());
            }
            JsonNode id = data.path("storyId");
            return id.isTextual() ? id.asText() : null;
        } catch (IOException notJson) {
            return null;
        }
    }

    private boolean allReceived(Session session) {
        if (postsDone.get() < stories) {
            return false;
        }
        Map<String, Long> received = session.get("received");
        long connectedAt = session.getLong("connectedAt");
        return posted.entrySet().stream().filter(story -> story.getValue() >= connectedAt).allMatch(story -> received.containsKey(story.getKey()));
    }

    /** One timing per story posted after this connection opened: its arrival, or KO. */
    private List<Timings.Timing> receipts(Session session) {
        Map<String, Long> received = session.get("received");
        long connectedAt = session.getLong("connectedAt");
        long now = Timings.nowMillis();
        List<Timings.Timing> timings = new ArrayList<>();
        posted.forEach((storyId, postedAt) -> {
            if (postedAt >= connectedAt) {
                Long at = received.get(storyId);
                timings.add(at != null ? new Timings.Timing(RECEIVED, postedAt, at, null)
                        : new Timings.Timing(RECEIVED, postedAt, now, "not received within " + receiveTimeoutSeconds + " s of the last post"));
            }
        });
        return timings;
    }

    {
        setUp(Seeding.setup(target, plan, 1, mediaId, MediaSamples.jpeg(1080, 1920, 7))
                .andThen(
                        listeners.injectOpen(rampUsers(subscribers).during(Duration.ofSeconds(connectSeconds))),
                        author.injectOpen(nothingFor(postingDelay), rampUsers(stories).during(Duration.ofMillis((long) (stories * 1000 / storyRate))))))
                .protocols(target.protocol().sseUnmatchedInboundMessageBufferSize(stories + 100))
                .assertions(
                        details(Seeding.GROUP).failedRequests().count().is(0L),
                        details(CONNECT).failedRequests().percent().lte(maxErrorPercent),
                        p99Below(RECEIVED, p99Millis),
                        details(RECEIVED).failedRequests().percent().lte(maxErrorPercent),
                        errorsAtMost(maxErrorPercent));
    }
}
