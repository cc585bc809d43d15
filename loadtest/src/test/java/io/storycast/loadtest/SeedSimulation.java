package io.storycast.loadtest;

import static io.gatling.javaapi.core.CoreDsl.details;

/**
 * The seeding step alone ({@link Seeding}): a power-law {@link SeedPlan} of audiences through the bulk audience
 * API, and every author's cross-share preference. Run it to fill a gateway before other tests, or to measure
 * bulk audience writes: the report's "seed audience" shows each author's NDJSON upload, one per author and
 * platform, at most {@code seedConcurrency} at once. The run fails if any seeding request fails.
 *
 * <p>Parameters: {@link Target}'s, {@link SeedPlan}'s (defaults here: {@code authors} 1000, {@code subscribers}
 * 100000, {@code maxFollowers} 10000, {@code celebrityFollowers} 20000) and {@code seedConcurrency} (4).
 */
public class SeedSimulation extends StorycastSimulation {
    private final SeedPlan plan = SeedPlan.fromParams(new SeedPlan.Defaults(1000, 100_000, 10_000, 20_000));
    private final int seedConcurrency = Seeding.concurrencyFromParams();

    {
        System.out.println(plan.describe());
        setUp(Seeding.setup(target, plan, seedConcurrency, null, null))
                .protocols(target.protocol())
                .assertions(details(Seeding.GROUP).failedRequests().count().is(0L));
    }
}
