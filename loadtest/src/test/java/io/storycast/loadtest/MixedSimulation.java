package io.storycast.loadtest;

import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.ScenarioBuilder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.percent;
import static io.gatling.javaapi.core.CoreDsl.scenario;

/**
 * A day's traffic in small: mostly subscribers reading trays, a steady stream of stories, some audience changes
 * and a few media uploads, all arriving together in one open model of {@code rate} arrivals a second split by
 * percentage, on a seeded power-law audience ({@link Seeding}). Beside it a fan-out probe posts
 * {@code probeRate} stories a second and watches each until it shows in a follower's tray
 * ({@link FanoutProbe}), so the report tells how fresh trays stay under the mix.
 *
 * <p>Parameters beside {@link Target}'s, {@link SeededRun}'s (plan defaults: {@code authors} 1000,
 * {@code subscribers} 100000, {@code maxFollowers} 10000, {@code celebrityFollowers} 20000) and
 * {@link TrayWatch}'s: {@code rate} arrivals/s (100), {@code readPercent} (80), {@code postPercent} (14),
 * {@code batchPercent} (1, NDJSON batches of {@code batchSize} 20), {@code audiencePercent} (4, changes of
 * {@code audienceUpdateSize} 10 members, mutes), {@code mediaPercent} (1, image uploads awaited until ready),
 * {@code pageSize} (20), {@code probeRate} (1), {@code celebrityPercent} of probes (2), {@code seedConcurrency}
 * (4), {@code durationSeconds} (60), {@code rampSeconds} (10), {@code readP99Millis} (100), {@code postP99Millis}
 * (250), {@code audienceP99Millis} (250), {@code visibleP99Millis} (1000), {@code celebrityVisibleP99Millis} (5000),
 * {@code mediaReadyP99Millis} (10000), {@code maxErrorPercent} (1.0). The percentages must add up to 100 at most
 * (the rest of the arrivals do nothing).
 */
public class MixedSimulation extends StorycastSimulation {
    private final SeededRun run = SeededRun.fromParams(SeededRun.STANDARD);
    private final FanoutProbe probe = FanoutProbe.fromParams(target, run, 2);
    private final double rate = Params.decimal("rate", 100, 0);
    private final double readPercent = Params.percent("readPercent", 80);
    private final double postPercent = Params.percent("postPercent", 14);
    private final double batchPercent = Params.percent("batchPercent", 1);
    private final double audiencePercent = Params.percent("audiencePercent", 4);
    private final double mediaPercent = Params.percent("mediaPercent", 1);
    private final int batchSize = Params.integer("batchSize", 20, 1);
    private final int audienceUpdateSize = Params.integer("audienceUpdateSize", 10, 1);
    private final int pageSize = Params.integer("pageSize", 20, 1);
    private final double probeRate = Params.decimal("probeRate", 1, 0);
    private final Load load = Load.fromParams(10, 60);
    private final int readP99Millis = Params.integer("readP99Millis", 100, 1);
    private final int postP99Millis = Params.integer("postP99Millis", 250, 1);
    private final int audienceP99Millis = Params.integer("audienceP99Millis", 250, 1);
    private final int visibleP99Millis = Params.integer("visibleP99Millis", 1000, 1);
    private final int celebrityVisibleP99Millis = Params.integer("celebrityVisibleP99Millis", 5000, 1);
    private final int mediaReadyP99Millis = Params.integer("mediaReadyP99Millis", 10_000, 1);
    private final double maxErrorPercent = maxErrorPercentFromParams();

    private final SeedPlan plan = run.plan();
    private final StoryEventsFactory events = run.events();
    private final List<byte[]> images = List.of(MediaSamples.jpeg(1080, 1920, 11), MediaSamples.jpeg(1080, 1920, 12));

    private ScenarioBuilder mix() {
        if (readPercent + postPercent + batchPercent + audiencePercent + mediaPercent > 100) {
            throw new IllegalArgumentException("readPercent + postPercent + batchPercent + audiencePercent + mediaPercent exceed 100");
        }
        return scenario("mixed").randomSwitch().on(
                percent(readPercent).then(Requests.readTray(target, plan, pageSize, 1, stories -> { })),
                percent(postPercent).then(Requests.postOne(target, session -> events.planEvent(plan))),
                percent(batchPercent).then(Requests.postBatch(target, batchSize, session -> events.planBatch(plan, batchSize))),
                percent(audiencePercent).then(Requests.audienceUpdate(target, plan, audienceUpdateSize)),
                percent(mediaPercent).then(MediaUploadSimulation.upload(target, plan.idPrefix(), "image", images,
                        Duration.ofMillis(200), Duration.ofSeconds(60))));
    }

    {
        List<Assertion> assertions = new ArrayList<>();
        assertions.add(details(Seeding.GROUP).failedRequests().count().is(0L));
        if (readPercent > 0) {
            assertions.add(p99Below(Requests.TRAY_READ, readP99Millis));
        }
        if (postPercent > 0) {
            assertions.add(p99Below(Requests.POST_ONE, postP99Millis));
        }
        if (audiencePercent > 0) {
            assertions.add(p99Below(Requests.AUDIENCE_ADD, audienceP99Millis));
        }
        if (mediaPercent > 0) {
            assertions.add(p99Below("upload to ready (image)", mediaReadyP99Millis));
        }
        if (probeRate > 0) {
            assertions.addAll(probe.visibleBounds(visibleP99Millis, celebrityVisibleP99Millis));
        }
        assertions.add(errorsAtMost(maxErrorPercent));
        setUp(run.setup(target)
                .andThen(Load.present(load.arrivals(mix(), rate), load.arrivals(probe.scenarioNamed("fan-out probe"), probeRate))))
                .protocols(target.protocol())
                .assertions(assertions);
    }
}
