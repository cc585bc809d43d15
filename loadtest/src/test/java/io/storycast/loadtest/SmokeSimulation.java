package io.storycast.loadtest;

import io.gatling.javaapi.core.ScenarioBuilder;

import java.time.Duration;
import java.util.List;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.forAll;
import static io.gatling.javaapi.core.CoreDsl.percent;
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
 * tray (a quarter by the celebrity), and uploads one image and one video until ready.
 *
 * <p>Bounds, wide on purpose (the smoke shares a CI machine with the build; it catches breakage, the other
 * simulations measure): no failed request or measurement of any kind; p99 of each request type below
 * {@code p99Millis} (2000: the JIT is cold, and on a loaded 2-core machine, load average 12, posts reached a
 * p99 of 630 ms); "ingest to tray" p99 below {@code visibleP99Millis} (5000), the celebrity's below
 * {@code celebrityVisibleP99Millis} (10000); an image ready within
 * {@code imageReadyP99Millis} (15000), a video within {@code videoReadyP99Millis} (30000).
 */
public class SmokeSimulation extends StorycastSimulation {
    private final SeedPlan plan = SeedPlan.fromParams(new SeedPlan.Defaults(20, 500, 200, 300));
    private final TrayWatch watch = TrayWatch.fromParams(target);
    private final Load load = Load.fromParams(2, 10);
    private final int p99Millis = Params.integer("p99Millis", 2000, 1);
    private final int visibleP99Millis = Params.integer("visibleP99Millis", 5000, 1);
    private final int celebrityVisibleP99Millis = Params.integer("celebrityVisibleP99Millis", 10_000, 1);
    private final int imageReadyP99Millis = Params.integer("imageReadyP99Millis", 15_000, 1);
    private final int videoReadyP99Millis = Params.integer("videoReadyP99Millis", 30_000, 1);

    private final String mediaId = MediaUpload.runMediaId(plan.idPrefix());
    private final StoryEventsFactory events = new StoryEventsFactory(mediaId, plan.idPrefix());
    private final Duration mediaPoll = Duration.ofMillis(100);
    private final Duration mediaTimeout = Duration.ofSeconds(60);

    private final ScenarioBuilder posts = scenario("posts").exec(Requests.postOne(target,
            session -> events.event(plan.sourcePlatform(), events.newStoryId(), plan.authorId(plan.randomAuthor()), null)));
    private final ScenarioBuilder batches = scenario("batches").exec(Requests.postBatch(target, 20, session -> {
        StringBuilder batch = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            batch.append(events.event(plan.sourcePlatform(), events.newStoryId(), plan.authorId(plan.randomAuthor()), null)).append('\n');
        }
        return batch.toString();
    }));
    private final ScenarioBuilder reads = scenario("reads").exec(Requests.readTray(target, plan, 20, 2, stories -> { }));
    private final ScenarioBuilder audiences = scenario("audiences").exec(Requests.audienceUpdate(target, plan, 5));
    private final ScenarioBuilder probes = scenario("fan-out probe").randomSwitch().on(
            percent(25).then(FanoutSimulation.postAndWatch(target, plan, events, watch, true)),
            percent(75).then(FanoutSimulation.postAndWatch(target, plan, events, watch, false)));
    private final ScenarioBuilder image = scenario("image").exec(MediaUploadSimulation.upload(target, plan.idPrefix(), "image",
            List.of(MediaSamples.jpeg(720, 1280, 3)), mediaPoll, mediaTimeout));
    private final ScenarioBuilder video = scenario("video").exec(MediaUploadSimulation.upload(target, plan.idPrefix(), "video",
            List.of(MediaSamples.motionJpegMp4(360, 640, 10, 10, 4)), mediaPoll, mediaTimeout));

    {
        System.out.println(plan.describe());
        setUp(Seeding.setup(target, plan, 2, mediaId, MediaSamples.jpeg(1080, 1920, plan.seed()))
                .andThen(load.arrivals(posts, 10), load.arrivals(batches, 1), load.arrivals(reads, 20),
                        load.arrivals(audiences, 2), load.arrivals(probes, 4),
                        image.injectOpen(atOnceUsers(1)), video.injectOpen(atOnceUsers(1))))
                .protocols(target.protocol())
                .assertions(
                        forAll().failedRequests().count().is(0L),
                        details(Requests.POST_ONE).responseTime().percentile(99.0).lt(p99Millis),
                        details("POST batch of 20").responseTime().percentile(99.0).lt(p99Millis),
                        details(Requests.TRAY_READ).responseTime().percentile(99.0).lt(p99Millis),
                        details(Requests.AUDIENCE_ADD).responseTime().percentile(99.0).lt(p99Millis),
                        details(FanoutSimulation.POST).responseTime().percentile(99.0).lt(p99Millis),
                        details(FanoutSimulation.VISIBLE).responseTime().percentile(99.0).lt(visibleP99Millis),
                        details(FanoutSimulation.CELEBRITY_VISIBLE).responseTime().percentile(99.0).lt(celebrityVisibleP99Millis),
                        details("upload to ready (image)").responseTime().percentile(99.0).lt(imageReadyP99Millis),
                        details("upload to ready (video)").responseTime().percentile(99.0).lt(videoReadyP99Millis));
    }
}
