package io.storycast.loadtest;

import io.gatling.javaapi.core.ChainBuilder;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatling.javaapi.core.ScenarioBuilder;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.group;
import static io.gatling.javaapi.core.CoreDsl.jmesPath;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * Subscribers opening their story trays: {@code GET /v1/trays/{platform}/{subscriberId}} for random subscribers
 * of a seeded population, on random platforms of the plan, following the {@code next} cursor for up to
 * {@code pages} pages. Trays hold real stories: after seeding ({@link Seeding}), the "prefill" step posts
 * {@code prefillStoriesPerAuthor} stories for every author (celebrity included, so reads also merge its outbox)
 * in NDJSON batches and waits until the last one shows in a follower's tray.
 *
 * <p>Parameters beside {@link Target}'s, {@link SeededRun}'s (plan defaults: {@code authors} 1000,
 * {@code subscribers} 100000, {@code maxFollowers} 10000, {@code celebrityFollowers} 20000) and {@link TrayWatch}'s:
 * {@code readRate} tray reads/s (100), {@code pageSize} stories per page (20), {@code pages} pages per read at
 * most (1), {@code prefillStoriesPerAuthor} (3), {@code seedConcurrency} (4), {@code durationSeconds} (60),
 * {@code rampSeconds} (10), {@code p99Millis} bound of a page's p99 (100), {@code maxErrorPercent} (1.0). At the
 * end it prints how many stories the pages held on average: reads of empty trays would measure little.
 */
public class TrayReadSimulation extends StorycastSimulation {
    private final SeededRun run = SeededRun.fromParams(SeededRun.STANDARD);
    private final TrayWatch watch = TrayWatch.fromParams(target);
    private final double readRate = Params.decimal("readRate", 100, 0);
    private final int pageSize = Params.integer("pageSize", 20, 1);
    private final int pages = Params.integer("pages", 1, 1);
    private final int prefill = Params.integer("prefillStoriesPerAuthor", 3, 1);
    private final Load load = Load.fromParams(10, 60);
    private final int p99Millis = Params.integer("p99Millis", 100, 1);
    private final double maxErrorPercent = maxErrorPercentFromParams();

    private final SeedPlan plan = run.plan();
    private final StoryEventsFactory events = run.events();
    private final LongAdder pagesRead = new LongAdder();
    private final LongAdder storiesRead = new LongAdder();

    /** Every author's stories in NDJSON batches of at most 500, then a wait until the very last one shows. */
    private ChainBuilder prefill() {
        int stories = plan.size() * prefill;
        int batch = Math.min(500, stories);
        int batches = (stories + batch - 1) / batch;
        return group("prefill").on(
                repeatBatches(batches, batch, stories),
                exec(session -> {
                    int author = plan.size() - 1;
                    return session.set("watchSubscriber", plan.randomFollower(author));
                }),
                watch.until("prefill visible", plan.watchedPlatform()));
    }

    private ChainBuilder repeatBatches(int batches, int batch, int stories) {
        return exec(session -> session.set("posted", 0)).repeat(batches).on(
                exec(session -> {
                    int from = session.getInt("posted");
                    int to = Math.min(stories, from + batch);
                    List<ObjectNode> lines = new ArrayList<>(to - from);
                    String last = null;
                    for (int story = from; story < to; story++) {
                        last = events.newStoryId();
                        lines.add(events.eventNode(plan.sourcePlatform(), last, plan.authorId(story % plan.size()), null));
                    }
                    return session.set("body", Json.ndjson(lines)).set("lines", to - from).set("posted", to)
                            .set("storyId", last).set("postedAt", Timings.nowMillis());
                }),
                exec(http("prefill batch").post("/v1/stories")
                        .header("Authorization", target.producer())
                        .header("Content-Type", "application/x-ndjson")
                        .body(StringBody("#{body}"))
                        .check(status().is(200), jmesPath("accepted").ofInt().isEL("#{lines}"))));
    }

    private final ScenarioBuilder reads = scenario("tray reads").exec(Requests.readTray(target, plan, pageSize, pages, stories -> {
        pagesRead.increment();
        storiesRead.add(stories);
    }));

    {
        setUp(run.setup(target)
                .andThen(scenario("prefill").exec(prefill()).injectOpen(atOnceUsers(1))
                        .andThen(Load.present(load.arrivals(reads, readRate)))))
                .protocols(target.protocol())
                .assertions(
                        details(Seeding.GROUP).failedRequests().count().is(0L),
                        details("prefill").failedRequests().count().is(0L),
                        p99Below(Requests.TRAY_READ, p99Millis),
                        errorsAtMost(maxErrorPercent));
    }

    @Override
    public void after() {
        long read = pagesRead.sum();
        System.out.printf("tray pages read: %d, stories per page: %.2f on average (at most %d)%n", read,
                read == 0 ? 0.0 : (double) storiesRead.sum() / read, pageSize);
        super.after();
    }
}
