package io.storycast.loadtest;

import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;

import java.util.ArrayList;
import java.util.List;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.percent;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * Fan-out as subscribers see it: ingest → visible in a tray. The setup seeds a power-law {@link SeedPlan}
 * (ordinary authors and one celebrity) through the bulk audience API, sets every author's cross-share
 * preference and uploads the story image. Then stories arrive in an open model, each by a random author (the
 * celebrity for {@code celebrityPercent} of them), and each story's virtual user polls one random follower's
 * tray on the watched platform (the first cross-share target, so the story went through the author's
 * preference) until the story shows ({@link TrayWatch}).
 *
 * <p>Measured as requests of their own: "ingest to tray" (ordinary authors: pushed into every tray) and
 * "ingest to tray (celebrity)" (with {@code celebrityFollowers} above the gateway's
 * {@code fanout.outboxThreshold}, default 10,000, the story goes once into the celebrity's outbox and the tray
 * read merges it; the first such story also links every follower to the outbox, so it takes longer).
 *
 * <p>Parameters beside {@link Target}'s, {@link SeedPlan}'s (defaults here: {@code authors} 1000,
 * {@code subscribers} 100000, {@code maxFollowers} 10000, {@code celebrityFollowers} 20000) and
 * {@link TrayWatch}'s: {@code storyRate} stories/s (10), {@code celebrityPercent} (2), {@code seedConcurrency}
 * (4), {@code durationSeconds} (60), {@code rampSeconds} (10), {@code postP99Millis} (250),
 * {@code visibleP99Millis} bound of "ingest to tray" p99 (1000), {@code celebrityVisibleP99Millis} (5000),
 * {@code maxErrorPercent} (1.0).
 */
public class FanoutSimulation extends StorycastSimulation {
    static final String POST = "post story";
    static final String VISIBLE = "ingest to tray";
    static final String CELEBRITY_VISIBLE = "ingest to tray (celebrity)";

    private final SeedPlan plan = SeedPlan.fromParams(new SeedPlan.Defaults(1000, 100_000, 10_000, 20_000));
    private final TrayWatch watch = TrayWatch.fromParams(target);
    private final double storyRate = Params.decimal("storyRate", 10, 0);
    private final double celebrityPercent = plan.celebrityFollowers() > 0 ? Params.percent("celebrityPercent", 2) : 0;
    private final int seedConcurrency = Seeding.concurrencyFromParams();
    private final Load load = Load.fromParams(10, 60);
    private final int postP99Millis = Params.integer("postP99Millis", 250, 1);
    private final int visibleP99Millis = Params.integer("visibleP99Millis", 1000, 1);
    private final int celebrityVisibleP99Millis = Params.integer("celebrityVisibleP99Millis", 5000, 1);
    private final double maxErrorPercent = Params.percent("maxErrorPercent", 1.0);

    private final String mediaId = MediaUpload.runMediaId(plan.idPrefix());
    private final StoryEventsFactory events = new StoryEventsFactory(mediaId, plan.idPrefix());

    /** A story by a random ordinary author, or by the celebrity, watched until it shows in a follower's tray. */
    static ChainBuilder postAndWatch(Target target, SeedPlan plan, StoryEventsFactory events, TrayWatch watch, boolean celebrity) {
        return exec(session -> {
            int author = celebrity ? plan.authors() : plan.randomAuthor();
            return session.set("authorId", plan.authorId(author))
                    .set("watchSubscriber", plan.randomFollower(author))
                    .set("storyId", events.newStoryId())
                    .set("postedAt", Timings.nowMillis());
        })
                .exec(http(POST).post("/v1/stories")
                        .header("Authorization", target.producer())
                        .header("Content-Type", "application/json")
                        .body(StringBody(session -> events.event(plan.sourcePlatform(), session.getString("storyId"),
                                session.getString("authorId"), null)))
                        .check(status().is(202)))
                .exitHereIfFailed()
                .doIf(session -> session.getString("watchSubscriber") != null)
                .then(watch.until(celebrity ? CELEBRITY_VISIBLE : VISIBLE, plan.watchedPlatform()));
    }

    private final ScenarioBuilder stories = scenario("stories").randomSwitch().on(
            percent(celebrityPercent).then(postAndWatch(target, plan, events, watch, true)),
            percent(100 - celebrityPercent).then(postAndWatch(target, plan, events, watch, false)));

    {
        System.out.println(plan.describe());
        List<Assertion> assertions = new ArrayList<>();
        assertions.add(details(Seeding.GROUP).failedRequests().count().is(0L));
        assertions.add(details(POST).responseTime().percentile(99.0).lt(postP99Millis));
        assertions.add(details(VISIBLE).responseTime().percentile(99.0).lt(visibleP99Millis));
        assertions.add(details(VISIBLE).failedRequests().percent().lte(maxErrorPercent));
        if (celebrityPercent > 0) {
            assertions.add(details(CELEBRITY_VISIBLE).responseTime().percentile(99.0).lt(celebrityVisibleP99Millis));
            assertions.add(details(CELEBRITY_VISIBLE).failedRequests().percent().lte(maxErrorPercent));
        }
        assertions.add(global().failedRequests().percent().lte(maxErrorPercent));
        setUp(Seeding.setup(target, plan, seedConcurrency, mediaId, MediaSamples.jpeg(1080, 1920, plan.seed()))
                .andThen(Load.present(load.arrivals(stories, storyRate))))
                .protocols(target.protocol())
                .assertions(assertions);
    }
}
