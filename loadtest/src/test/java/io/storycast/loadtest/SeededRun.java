package io.storycast.loadtest;

import io.gatling.javaapi.core.PopulationBuilder;

import java.util.Objects;

/**
 * What the simulations on seeded audiences share, read once from their parameters: the {@link SeedPlan}, how many
 * users seed it at once ({@code seedConcurrency}), the run's story image (uploaded and awaited in the setup; every
 * story names it) and the factory of the stories. Prints the plan when made, so a run's console says what it ran on.
 */
final class SeededRun {
    /** The plan's defaults of FanoutSimulation, TrayReadSimulation, MixedSimulation and SeedSimulation. */
    static final SeedPlan.Defaults STANDARD = new SeedPlan.Defaults(1000, 100_000, 10_000, 20_000);
    /** Seeding users at once, unless {@code seedConcurrency} says otherwise. */
    static final int SEED_CONCURRENCY = 4;

    private final SeedPlan plan;
    private final int seedConcurrency;
    private final String mediaId;
    private final StoryEventsFactory events;

    private SeededRun(SeedPlan plan, int seedConcurrency) {
        this.plan = Objects.requireNonNull(plan, "plan");
        this.seedConcurrency = seedConcurrency;
        this.mediaId = MediaUpload.runMediaId(plan.idPrefix());
        this.events = new StoryEventsFactory(mediaId, plan.idPrefix());
    }

    /** Reads {@link SeedPlan#fromParams}'s parameters and {@code seedConcurrency} (at least 1). */
    static SeededRun fromParams(SeedPlan.Defaults defaults, int defaultSeedConcurrency) {
        SeededRun run = new SeededRun(SeedPlan.fromParams(defaults), Params.integer("seedConcurrency", defaultSeedConcurrency, 1));
        System.out.println(run.plan.describe());
        return run;
    }

    static SeededRun fromParams(SeedPlan.Defaults defaults) {
        return fromParams(defaults, SEED_CONCURRENCY);
    }

    /** @return the setup: the story image uploaded until ready, then every audience seeded ({@link Seeding}) */
    PopulationBuilder setup(Target target) {
        return Seeding.setup(target, plan, seedConcurrency, mediaId, MediaSamples.jpeg(1080, 1920, plan.seed()));
    }

    /** @return the setup without the story image: the audiences only */
    PopulationBuilder audiencesOnly(Target target) {
        return Seeding.setup(target, plan, seedConcurrency, null, null);
    }

    SeedPlan plan() {
        return plan;
    }

    StoryEventsFactory events() {
        return events;
    }
}
