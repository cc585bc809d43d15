package io.storycast.loadtest;

import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.percent;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * Ingest → visible in a tray, on a seeded run: each user posts one story ("post story"), by a random ordinary
 * author of the plan or, for {@code celebrityPercent} of them, by its celebrity, then watches one random follower's
 * tray on the plan's watched platform until the story shows ({@link TrayWatch}): "ingest to tray" or "ingest to tray
 * (celebrity)". {@link FanoutSimulation} runs it as its load; {@link MixedSimulation} and {@link SmokeSimulation}
 * beside theirs.
 *
 * @param celebrityPercent stories by the celebrity, 0 to 100 (0 when the plan has none)
 */
record FanoutProbe(Target target, SeededRun run, TrayWatch watch, double celebrityPercent) {
    static final String POST = "post story";
    static final String VISIBLE = "ingest to tray";
    static final String CELEBRITY_VISIBLE = "ingest to tray (celebrity)";

    FanoutProbe {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(watch, "watch");
    }

    /** Reads {@link TrayWatch}'s parameters and {@code celebrityPercent} (not read when the plan has no celebrity). */
    static FanoutProbe fromParams(Target target, SeededRun run, double defaultCelebrityPercent) {
        double celebrityPercent = run.plan().celebrityFollowers() > 0 ? Params.percent("celebrityPercent", defaultCelebrityPercent) : 0;
        return new FanoutProbe(target, run, TrayWatch.fromParams(target), celebrityPercent);
    }

    /** @return the scenario {@code name}: each of its users posts and watches one story */
    ScenarioBuilder scenarioNamed(String name) {
        return scenario(name).randomSwitch().on(
                percent(celebrityPercent).then(postAndWatch(true)),
                percent(100 - celebrityPercent).then(postAndWatch(false)));
    }

    /** @return "ingest to tray" p99 below {@code visibleP99Millis}, and the celebrity's below its bound when it posts */
    List<Assertion> visibleBounds(int visibleP99Millis, int celebrityVisibleP99Millis) {
        List<Assertion> bounds = new ArrayList<>();
        bounds.add(StorycastSimulation.p99Below(VISIBLE, visibleP99Millis));
        if (celebrityPercent > 0) {
            bounds.add(StorycastSimulation.p99Below(CELEBRITY_VISIBLE, celebrityVisibleP99Millis));
        }
        return bounds;
    }

    private ChainBuilder postAndWatch(boolean celebrity) {
        SeedPlan plan = run.plan();
        StoryEventsFactory events = run.events();
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
}
