package io.storycast.loadtest;

import io.gatling.javaapi.core.Assertion;

import java.util.ArrayList;
import java.util.List;

import static io.gatling.javaapi.core.CoreDsl.details;

/**
 * Fan-out as subscribers see it: ingest → visible in a tray. The setup seeds a power-law {@link SeedPlan}
 * (ordinary authors and one celebrity) through the bulk audience API, sets every author's cross-share
 * preference and uploads the story image. Then stories arrive in an open model, each by a random author (the
 * celebrity for {@code celebrityPercent} of them), and each story's virtual user polls one random follower's
 * tray on the watched platform (the first cross-share target, so the story went through the author's
 * preference) until the story shows ({@link FanoutProbe}, {@link TrayWatch}).
 *
 * <p>Measured as requests of their own: "ingest to tray" (ordinary authors: pushed into every tray) and
 * "ingest to tray (celebrity)" (with {@code celebrityFollowers} above the gateway's
 * {@code fanout.outboxThreshold}, default 10,000, the story goes once into the celebrity's outbox and the tray
 * read merges it; the first such story also links every follower to the outbox, so it takes longer).
 *
 * <p>Parameters beside {@link Target}'s, {@link SeededRun}'s (plan defaults here: {@code authors} 1000,
 * {@code subscribers} 100000, {@code maxFollowers} 10000, {@code celebrityFollowers} 20000; {@code seedConcurrency}
 * 4) and {@link TrayWatch}'s: {@code storyRate} stories/s (10), {@code celebrityPercent} (2), {@code durationSeconds}
 * (60), {@code rampSeconds} (10), {@code postP99Millis} (250), {@code visibleP99Millis} bound of "ingest to tray"
 * p99 (1000), {@code celebrityVisibleP99Millis} (5000), {@code maxErrorPercent} (1.0).
 */
public class FanoutSimulation extends StorycastSimulation {
    private final SeededRun run = SeededRun.fromParams(SeededRun.STANDARD);
    private final FanoutProbe probe = FanoutProbe.fromParams(target, run, 2);
    private final double storyRate = Params.decimal("storyRate", 10, 0);
    private final Load load = Load.fromParams(10, 60);
    private final int postP99Millis = Params.integer("postP99Millis", 250, 1);
    private final int visibleP99Millis = Params.integer("visibleP99Millis", 1000, 1);
    private final int celebrityVisibleP99Millis = Params.integer("celebrityVisibleP99Millis", 5000, 1);
    private final double maxErrorPercent = maxErrorPercentFromParams();

    {
        List<Assertion> assertions = new ArrayList<>();
        assertions.add(details(Seeding.GROUP).failedRequests().count().is(0L));
        assertions.add(p99Below(FanoutProbe.POST, postP99Millis));
        assertions.addAll(probe.visibleBounds(visibleP99Millis, celebrityVisibleP99Millis));
        assertions.add(details(FanoutProbe.VISIBLE).failedRequests().percent().lte(maxErrorPercent));
        if (probe.celebrityPercent() > 0) {
            assertions.add(details(FanoutProbe.CELEBRITY_VISIBLE).failedRequests().percent().lte(maxErrorPercent));
        }
        assertions.add(errorsAtMost(maxErrorPercent));
        setUp(run.setup(target).andThen(Load.present(load.arrivals(probe.scenarioNamed("stories"), storyRate))))
                .protocols(target.protocol())
                .assertions(assertions);
    }
}
