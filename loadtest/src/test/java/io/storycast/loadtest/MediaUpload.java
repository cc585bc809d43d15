package io.storycast.loadtest;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.Session;

import java.time.Duration;
import java.util.function.Function;

import static io.gatling.javaapi.core.CoreDsl.ByteArrayBody;
import static io.gatling.javaapi.core.CoreDsl.asLongAs;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jmesPath;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * One media upload as a producer makes it: {@code PUT /v1/media/#{mediaId}} with the bytes, then
 * {@code GET /v1/media/#{mediaId}} every {@code poll} until the status is no longer {@code processing}. Records
 * "upload to ready (image|video)": from just before the PUT until the status answer that said {@code ready}
 * (KO when it said {@code failed}, or said nothing else within {@code timeout}). The session needs
 * {@code mediaId}; afterwards it holds {@code mediaStatus}.
 */
final class MediaUpload {
    private MediaUpload() {
    }

    /**
     * @param kind  {@code image} (sent as image/jpeg) or {@code video} (video/mp4); the gateway tells the type by the bytes
     * @param bytes the upload's body
     */
    static ChainBuilder uploadAndAwait(Target target, String kind, Function<Session, byte[]> bytes, Duration poll, Duration timeout) {
        return exec(session -> session.set("uploadStartedAt", Timings.nowMillis()).set("mediaStatus", "processing")
                .remove("mediaProblem"))
                .exec(http("upload " + kind).put("/v1/media/#{mediaId}")
                        .header("Authorization", target.producer())
                        .header("Content-Type", kind.equals("video") ? "video/mp4" : "image/jpeg")
                        .body(ByteArrayBody(bytes))
                        .check(status().is(202)))
                .doIf(session -> !session.isFailed()).then(
                        asLongAs(session -> "processing".equals(session.getString("mediaStatus"))
                                && Timings.nowMillis() - session.getLong("uploadStartedAt") < timeout.toMillis()).on(
                                pause(poll),
                                exec(http("media status").get("/v1/media/#{mediaId}")
                                        .header("Authorization", target.producer())
                                        .check(status().is(200), jmesPath("status").saveAs("mediaStatus"),
                                                jmesPath("problem.detail").optional().saveAs("mediaProblem")))),
                        exec(Timings.since("upload to ready (" + kind + ")", "uploadStartedAt", session -> failure(session, timeout))));
    }

    /** @return whether the upload in the session became ready */
    static boolean ready(Session session) {
        return "ready".equals(session.getString("mediaStatus"));
    }

    private static String failure(Session session, Duration timeout) {
        if (ready(session)) {
            return null;
        }
        String status = session.getString("mediaStatus");
        if ("processing".equals(status)) {
            return "still processing after " + timeout.toSeconds() + " s";
        }
        return "media " + status + (session.contains("mediaProblem") ? ": " + session.getString("mediaProblem") : "");
    }

    /** @return the chain above for a media id made once per run, for the stories of a simulation to name */
    static ChainBuilder setupImage(Target target, String mediaId, byte[] jpeg) {
        return exec(session -> session.set("mediaId", mediaId))
                .exec(uploadAndAwait(target, "image", session -> jpeg, Duration.ofMillis(200), Duration.ofSeconds(120)))
                .exec(session -> ready(session) ? session : session.markAsFailed());
    }

    /** @return a media id for this run: the prefix and the run's start in base 36, so reruns never collide (409) */
    static String runMediaId(String idPrefix) {
        return idPrefix + "-media-" + Long.toString(System.currentTimeMillis(), 36);
    }
}
