package io.storycast.loadtest;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.PopulationBuilder;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.crashLoadGeneratorIf;
import static io.gatling.javaapi.core.CoreDsl.doIf;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.foreach;
import static io.gatling.javaapi.core.CoreDsl.jmesPath;
import static io.gatling.javaapi.core.CoreDsl.listFeeder;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * The seeding step every simulation with audiences runs first, and {@link SeedSimulation} runs alone: through
 * the bulk audience API it gives each author of a {@link SeedPlan} its followers on every platform of the plan
 * ({@code POST /v1/audiences/{platform}/{authorId}/default}, streamed NDJSON, checked: every line received and
 * none rejected), then sets the author's cross-share preference ({@code PUT /v1/authors/{authorId}/cross-share}).
 * Optionally it first uploads the run's story image and waits until it is ready.
 *
 * <p>It runs as the scenario "setup": {@code concurrency} users, each taking a share of the authors, all its
 * requests in the group "setup" (so the report and the assertions tell them from the load). Any failure stops
 * the run: load on a half-seeded gateway would measure something else. Seeding again with the same plan is
 * idempotent (the audience API answers {@code unchanged}).
 */
final class Seeding {
    /** The group of every setup request: assert on {@code details(Seeding.GROUP)}. */
    static final String GROUP = "setup";

    private Seeding() {
    }

    /**
     * @param plan        who follows whom; null to seed no audience (the media only)
     * @param concurrency seeding users at once (each does its authors one request at a time)
     * @param mediaId     the run's story image, uploaded and awaited first; null for none
     * @param jpeg        its bytes
     * @return the setup's users, all at once: run the load {@code andThen}
     */
    static PopulationBuilder setup(Target target, SeedPlan plan, int concurrency, String mediaId, byte[] jpeg) {
        int users = plan == null ? 1 : Math.max(1, Math.min(concurrency, plan.size()));
        List<Map<String, Object>> shares = new ArrayList<>();
        List<List<Integer>> slices = plan == null ? List.of(List.of()) : plan.slices(users);
        for (int user = 0; user < users; user++) {
            Map<String, Object> share = new HashMap<>();
            share.put("authors", slices.get(user));
            share.put("uploadsMedia", user == 0 && mediaId != null);
            shares.add(share);
        }
        ChainBuilder audiences = plan == null ? exec(session -> session) : audiences(target, plan);
        return scenario("setup")
                .feed(listFeeder(shares).queue())
                .group(GROUP).on(
                        doIf("#{uploadsMedia}").then(MediaUpload.setupImage(target, mediaId, jpeg)),
                        audiences)
                .exec(crashLoadGeneratorIf(session -> "the setup failed (see its KO requests above), so the load would measure "
                        + "something else; stopping", session -> session.isFailed()))
                .injectOpen(atOnceUsers(users));
    }

    private static ChainBuilder audiences(Target target, SeedPlan plan) {
        String crossShare = crossShareBody(plan);
        ChainBuilder perAuthor = exec(session -> session.set("authorId", plan.authorId(session.getInt("author"))))
                .foreach(plan.platforms(), "platform").on(
                        exec(http("seed audience").post("/v1/audiences/#{platform}/#{authorId}/default")
                                .header("Authorization", target.producer())
                                .header("Content-Type", "application/x-ndjson")
                                .body(StringBody(session -> plan.membersNdjson(session.getInt("author"))))
                                .check(status().is(200),
                                        jmesPath("received").ofInt().is(session -> plan.followers(session.getInt("author"))),
                                        jmesPath("rejected").ofInt().is(0))));
        if (crossShare != null) {
            perAuthor = perAuthor.exec(http("seed cross-share").put("/v1/authors/#{authorId}/cross-share")
                    .header("Authorization", target.producer())
                    .header("Content-Type", "application/json")
                    .body(StringBody(crossShare))
                    .check(status().is(200)));
        }
        return foreach(session -> session.getList("authors"), "author").on(perAuthor);
    }

    /** @return the preference {@code {"<source>": [targets]}}, or null when the plan shares nowhere */
    private static String crossShareBody(SeedPlan plan) {
        if (plan.crossShareTo().isEmpty()) {
            return null;
        }
        return Json.write(Map.of(plan.sourcePlatform(), plan.crossShareTo()));
    }
}
