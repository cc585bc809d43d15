package io.storycast.loadtest;

import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.ScenarioBuilder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.forAll;
import static io.gatling.javaapi.core.CoreDsl.scenario;

/**
 * The CI smoke: every path of the API once more under light load, for about 15 seconds, and no error allowed.
 * {@code mvn verify} runs it in the {@code integration-test} phase of {@code loadtest/} against a gateway the
 * build starts from the jar it has just packaged ({@code gatewayJar}; embedded Redis, free ports, an outbox
 * threshold of 100 so the celebrity's stories take the outbox route), and a failed assertion fails the build.
 * Against a running gateway it is a quick check of a deployment: {@code -DbaseUrl=...}.
 *
 * <p>It seeds a small power-law plan (20 authors, 500 subscribers, up to 200 followers, a celebrity with 300),
 * uploads the story image, then for {@code durationSeconds} (10, after a 2 s ramp) posts single stories and
 * NDJSON batches, reads trays, changes audiences and mutes, watches stories until they show in a follower's
 * tray ({@link FanoutProbe}, {@code celebrityPercent} 25: a quarter by the celebrity), and uploads one image and one
 * video until ready. Its seeding runs {@code seedConcurrency} 2 users at once.
 *
 * <p>Bounds, wide on purpose (the smoke shares a CI machine with the build; it catches breakage, the other
 * simulations measure): no failed request or measurement of any kind; p99 of each request type below
 * {@code p99Millis} (2000: the JIT is cold, and on a loaded 2-core machine, load average 12, posts reached a
 * p99 of 630 ms); "ingest to tray" p99 below {@code visibleP99Millis} (5000), the celebrity's below
 * {@code celebrityVisibleP99Millis} (10000); an image ready within
 * {@code imageReadyP99Millis} (15000), a video within {@code videoReadyP99Millis} (30000).
 */
public class SmokeSimulation extends StorycastSimulation {
    private final SeededRun run = SeededRun.fromParams(new SeedPlan.Defaults(20, 500, 200, 300), 2);
    private final FanoutProbe probe = FanoutProbe.fromParams(target, run, 25);
    private final Load load = Load.fromParams(2, 10);
    private final int p99Millis = Params.integer("p99Millis", 2000, 1);
    private final int visibleP99Millis = Params.integer("visibleP99Millis", 5000, 1);
    private final int celebrityVisibleP99Millis = Params.integer("celebrityVisibleP99Millis", 10_000, 1);
    private final int imageReadyP99Millis = Params.integer("imageReadyP99Millis", 15_000, 1);
    private final int videoReadyP99Millis = Params.integer("videoReadyP99Millis", 30_000, 1);

    private final SeedPlan plan = run.plan();
    private final StoryEventsFactory events = run.events();
    private final Duration mediaPoll = Duration.ofMillis(100);
    private final Duration mediaTimeout = Duration.ofSeconds(60);

    private final ScenarioBuilder posts = scenario("posts").exec(Requests.postOne(target, session -> events.planEvent(plan)));
    private final ScenarioBuilder batches = scenario("batches").exec(Requests.postBatch(target, 20, session -> events.planBatch(plan, 20)));
    private final ScenarioBuilder reads = scenario("reads").exec(Requests.readTray(target, plan, 20, 2, stories -> { }));
    private final ScenarioBuilder audiences = scenario("audiences").exec(Requests.audienceUpdate(target, plan, 5));
    private final ScenarioBuilder image = scenario("image").exec(MediaUploadSimulation.upload(target, plan.idPrefix(), "image",
            List.of(MediaSamples.jpeg(720, 1280, 3)), mediaPoll, mediaTimeout));
    private final ScenarioBuilder video = scenario("video").exec(MediaUploadSimulation.upload(target, plan.idPrefix(), "video",
            List.of(MediaSamples.motionJpegMp4(360, 640, 10, 10, 4)), mediaPoll, mediaTimeout));

    {
        List<Assertion> assertions = new ArrayList<>(List.of(
                forAll().failedRequests().count().is(0L),
                p99Below(Requests.POST_ONE, p99Millis),
                p99Below("POST batch of 20", p99Millis),
                p99Below(Requests.TRAY_READ, p99Millis),
                p99Below(Requests.AUDIENCE_ADD, p99Millis),
                p99Below(FanoutProbe.POST, p99Millis),
                p99Below("upload to ready (image)", imageReadyP99Millis),
                p99Below("upload to ready (video)", videoReadyP99Millis)));
        assertions.addAll(probe.visibleBounds(visibleP99Millis, celebrityVisibleP99Millis));
        setUp(run.setup(target)
                .andThen(load.arrivals(posts, 10), load.arrivals(batches, 1), load.arrivals(reads, 20),
                        load.arrivals(audiences, 2), load.arrivals(probe.scenarioNamed("fan-out probe"), 4),
                        image.injectOpen(atOnceUsers(1)), video.injectOpen(atOnceUsers(1))))
                .protocols(target.protocol())
                .assertions(assertions);
    }
}
