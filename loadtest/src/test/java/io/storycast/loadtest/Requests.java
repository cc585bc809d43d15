package io.storycast.loadtest;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.Session;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.IntConsumer;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.doIf;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jmesPath;
import static io.gatling.javaapi.core.CoreDsl.randomSwitch;
import static io.gatling.javaapi.core.CoreDsl.percent;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * The API calls the simulations share, each checked for the answer the README documents. Request names are
 * constants, so assertions and the README name them alike.
 */
final class Requests {
    static final String POST_ONE = "POST one story";
    static final String TRAY_READ = "tray read";
    static final String TRAY_NEXT_PAGE = "tray next page";
    static final String AUDIENCE_ADD = "audience add";
    static final String AUDIENCE_REMOVE = "audience remove";
    static final String MUTE = "mute";
    static final String UNMUTE = "unmute";

    private Requests() {
    }

    /** {@code POST /v1/stories}, one event as {@code application/json}: 202. */
    static ChainBuilder postOne(Target target, Function<Session, String> event) {
        return exec(http(POST_ONE).post("/v1/stories")
                .header("Authorization", target.producer())
                .header("Content-Type", "application/json")
                .body(StringBody(event))
                .check(status().is(202)));
    }

    /** {@code POST /v1/stories}, {@code size} events as NDJSON: 200 with every line accepted. */
    static ChainBuilder postBatch(Target target, int size, Function<Session, String> ndjson) {
        return exec(http("POST batch of " + size).post("/v1/stories")
                .header("Authorization", target.producer())
                .header("Content-Type", "application/x-ndjson")
                .body(StringBody(ndjson))
                .check(status().is(200), jmesPath("accepted").ofInt().is(size)));
    }

    /**
     * A random subscriber of the plan opens a random platform's tray: {@code GET /v1/trays/{platform}/{subscriberId}},
     * then follows {@code next} for up to {@code pages - 1} more pages. Leaves {@code stories} (the last page's
     * count) in the session; {@code onPage} sees every page's count.
     */
    static ChainBuilder readTray(Target target, SeedPlan plan, int pageSize, int pages, IntConsumer onPage) {
        List<String> platforms = plan.platforms();
        ChainBuilder first = exec(session -> session.set("platform", platforms.get(ThreadLocalRandom.current().nextInt(platforms.size())))
                .set("subscriber", plan.randomSubscriber()).remove("next"))
                .exec(http(TRAY_READ).get("/v1/trays/#{platform}/#{subscriber}")
                        .queryParam("limit", pageSize)
                        .header("Authorization", target.reader())
                        .check(status().is(200), jmesPath("length(stories)").ofInt().saveAs("stories"),
                                jmesPath("next").optional().saveAs("next")))
                .exec(session -> counted(session, onPage));
        if (pages == 1) {
            return first;
        }
        return first.repeat(pages - 1).on(doIf(session -> session.contains("next")).then(
                exec(session -> session.set("cursor", session.getString("next")).remove("next")),
                exec(http(TRAY_NEXT_PAGE).get("/v1/trays/#{platform}/#{subscriber}")
                        .queryParam("limit", pageSize)
                        .queryParam("cursor", "#{cursor}")
                        .header("Authorization", target.reader())
                        .check(status().is(200), jmesPath("length(stories)").ofInt().saveAs("stories"),
                                jmesPath("next").optional().saveAs("next"))),
                exec(session -> counted(session, onPage))));
    }

    private static Session counted(Session session, IntConsumer onPage) {
        if (session.contains("stories")) {
            onPage.accept(session.getInt("stories"));
        }
        return session;
    }

    /**
     * An audience change on the plan's source platform, by subscribers outside the plan ({@code <idPrefix>-extra-<n>},
     * so the followers the fan-out probes watch never change): 50% adds {@code size} of them to a random author's
     * default list (JSON array), 30% removes as many, 20% mutes a random author for one of them and unmutes it.
     */
    static ChainBuilder audienceUpdate(Target target, SeedPlan plan, int size) {
        String platform = plan.sourcePlatform();
        Function<Session, String> members = session -> {
            List<String> extras = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                extras.add(plan.idPrefix() + "-extra-" + ThreadLocalRandom.current().nextInt(10_000));
            }
            return Json.write(extras);
        };
        return exec(session -> session.set("authorId", plan.authorId(plan.randomAuthor()))
                .set("extra", plan.idPrefix() + "-extra-" + ThreadLocalRandom.current().nextInt(10_000)))
                .exec(randomSwitch().on(
                        percent(50).then(exec(http(AUDIENCE_ADD).post("/v1/audiences/" + platform + "/#{authorId}/default")
                                .header("Authorization", target.producer())
                                .header("Content-Type", "application/json")
                                .body(StringBody(members))
                                .check(status().is(200), jmesPath("rejected").ofInt().is(0)))),
                        percent(30).then(exec(http(AUDIENCE_REMOVE).post("/v1/audiences/" + platform + "/#{authorId}/default/remove")
                                .header("Authorization", target.producer())
                                .header("Content-Type", "application/json")
                                .body(StringBody(members))
                                .check(status().is(200), jmesPath("rejected").ofInt().is(0)))),
                        percent(20).then(
                                exec(http(MUTE).put("/v1/mutes/" + platform + "/#{extra}/#{authorId}")
                                        .header("Authorization", target.producer()).check(status().is(204))),
                                exec(http(UNMUTE).delete("/v1/mutes/" + platform + "/#{extra}/#{authorId}")
                                        .header("Authorization", target.producer()).check(status().is(204))))));
    }
}
