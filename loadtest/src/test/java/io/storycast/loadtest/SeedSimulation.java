package io.storycast.loadtest;

import static io.gatling.javaapi.core.CoreDsl.details;

/**
 * The seeding step alone ({@link Seeding}): a power-law {@link SeedPlan} of audiences through the bulk audience
 * API, and every author's cross-share preference. Run it to fill a gateway before other tests, or to measure
 * bulk audience writes: the report's "seed audience" shows each author's NDJSON upload, one per author and
 * platform, at most {@code seedConcurrency} at once. The run fails if any seeding request fails.
 *
 * <p>Parameters: {@link Target}'s, {@link SeededRun}'s ({@link SeedPlan} defaults here: {@code authors} 1000, {@code subscribers}
 * 100000, {@code maxFollowers} 10000, {@code celebrityFollowers} 20000) and {@code seedConcurrency} (4).
 */
public class SeedSimulation extends StorycastSimulation {
    private final SeededRun run = SeededRun.fromParams(SeededRun.STANDARD);

    {
        setUp(run.audiencesOnly(target))
                .protocols(target.protocol())
                .assertions(details(Seeding.GROUP).failedRequests().count().is(0L));
    }
}
