package io.storycast.loadtest;

import io.gatling.javaapi.core.ChainBuilder;

import java.time.Duration;
import java.util.Objects;

import static io.gatling.javaapi.core.CoreDsl.doIf;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jmesPath;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * Ingest → visible in a tray, as a subscriber would see it: after a story's post, reads one follower's tray
 * ("tray poll", newest {@code limit} stories) every {@code poll} until the story is in it, and records the time
 * from the post's send to the answer that showed it as a request of its own ({@link Timings}); KO when it
 * did not show within {@code timeout}. The time is an upper bound, finer than {@code poll} plus one tray read.
 *
 * <p>The session needs {@code storyId}, {@code watchSubscriber} (the follower) and {@code postedAt} ({@link Timings#nowMillis()},
 * taken just before the post).
 *
 * @param poll    pause between two reads of the tray
 * @param timeout longest wait from the post
 * @param limit   stories per read: the story must be among the follower's newest
 */
record TrayWatch(Target target, Duration poll, Duration timeout, int limit) {

    TrayWatch {
        Objects.requireNonNull(target, "target");
    }

    /** Reads {@code pollMillis} (50), {@code visibleTimeoutSeconds} (30) and {@code watchLimit} (100, at most {@code trays.maxPageSize}). */
    static TrayWatch fromParams(Target target) {
        return new TrayWatch(target, Duration.ofMillis(Params.integer("pollMillis", 50, 1)),
                Duration.ofSeconds(Params.integer("visibleTimeoutSeconds", 30, 1)), Params.integer("watchLimit", 100, 1));
    }

    /** @return the chain that polls {@code platform}'s tray of the session's follower and records {@code timingName} */
    ChainBuilder until(String timingName, String platform) {
        return exec(session -> session.set("visible", false))
                .asLongAs(session -> !session.getBoolean("visible")
                        && Timings.nowMillis() - session.getLong("postedAt") < timeout.toMillis()).on(
                        exec(http("tray poll").get("/v1/trays/" + platform + "/#{watchSubscriber}?limit=" + limit)
                                .header("Authorization", target.reader())
                                .check(status().is(200),
                                        jmesPath("contains(stories[*].storyId, '#{storyId}')").ofBoolean().saveAs("visible"))),
                        doIf(session -> !session.getBoolean("visible")).then(pause(poll)))
                .exec(Timings.since(timingName, "postedAt",
                        session -> session.getBoolean("visible") ? null : "not in the tray within " + timeout.toSeconds() + " s"));
    }
}
