package io.storycast.loadtest;

import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jmesPath;
import static io.gatling.javaapi.core.CoreDsl.percent;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * Producers uploading story media: real JPEGs and MP4 videos made at start ({@link MediaSamples}: the JDK's
 * JPEG writer, and Motion JPEG frames in an MP4), {@code PUT /v1/media/{mediaId}} under a fresh id each, then
 * the status polled until ready ({@link MediaUpload}), then one rendition fetched ({@code GET} its {@code url}:
 * 200 with an {@code ETag}). Measured: the upload request itself ("upload image" / "upload video": the body's
 * transfer and admission) and "upload to ready (image|video)" (transfer, queue and transcoding into every
 * platform's renditions).
 *
 * <p>Keep {@code uploadRate} below what the gateway's media workers transcode: beyond {@code media.maxJobs}
 * uploads at once it answers 503 {@code media-busy}, which counts as an error here.
 *
 * <p>Parameters beside {@link Target}'s: {@code uploadRate} uploads/s (0.5), {@code videoPercent} (20),
 * {@code imageWidth} x {@code imageHeight} (1080 x 1920), {@code videoWidth} x {@code videoHeight} (540 x 960),
 * {@code videoFps} (15), {@code videoSeconds} (2), {@code samples} distinct files of each kind (4),
 * {@code pollMillis} (200), {@code readyTimeoutSeconds} (60), {@code idPrefix} (lt), {@code durationSeconds} (60),
 * {@code rampSeconds} (10), {@code uploadP99Millis} (1000), {@code imageReadyP99Millis} (5000),
 * {@code videoReadyP99Millis} (30000), {@code maxErrorPercent} (1.0).
 */
public class MediaUploadSimulation extends StorycastSimulation {
    private final String idPrefix = Params.idPrefix();
    private final double uploadRate = Params.decimal("uploadRate", 0.5, 0);
    private final double videoPercent = Params.percent("videoPercent", 20);
    private final int samples = Params.integer("samples", 4, 1);
    private final List<byte[]> images = images();
    private final List<byte[]> videos = videoPercent > 0 ? videos() : List.of();
    private final Duration poll = Duration.ofMillis(Params.integer("pollMillis", 200, 1));
    private final Duration timeout = Duration.ofSeconds(Params.integer("readyTimeoutSeconds", 60, 1));
    private final Load load = Load.fromParams(10, 60);
    private final int uploadP99Millis = Params.integer("uploadP99Millis", 1000, 1);
    private final int imageReadyP99Millis = Params.integer("imageReadyP99Millis", 5000, 1);
    private final int videoReadyP99Millis = Params.integer("videoReadyP99Millis", 30_000, 1);
    private final double maxErrorPercent = maxErrorPercentFromParams();

    private List<byte[]> images() {
        int width = Params.integer("imageWidth", 1080, 16);
        int height = Params.integer("imageHeight", 1920, 16);
        List<byte[]> made = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            made.add(MediaSamples.jpeg(width, height, i));
        }
        return made;
    }

    private List<byte[]> videos() {
        int width = Params.integer("videoWidth", 540, 16);
        int height = Params.integer("videoHeight", 960, 16);
        int fps = Params.integer("videoFps", 15, 1);
        int frames = fps * Params.integer("videoSeconds", 2, 1);
        List<byte[]> made = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            made.add(MediaSamples.motionJpegMp4(width, height, fps, frames, i));
        }
        return made;
    }

    /** A fresh media id, the kind's upload and wait, then a fetch of one rendition once ready. */
    static ChainBuilder upload(Target target, String idPrefix, String kind, List<byte[]> files, Duration poll, Duration timeout) {
        return exec(session -> session.set("mediaId", idPrefix + "-m-" + UUID.randomUUID())
                .set("file", files.get(ThreadLocalRandom.current().nextInt(files.size()))))
                .exec(MediaUpload.uploadAndAwait(target, kind, session -> session.get("file"), poll, timeout))
                .doIf(MediaUpload::ready).then(
                        exec(http("media status").get("/v1/media/#{mediaId}")
                                .header("Authorization", target.producer())
                                .check(status().is(200), jmesPath("values(renditions)[0][0].url").saveAs("renditionUrl"))),
                        exec(http("get rendition").get("#{renditionUrl}")
                                .header("Authorization", target.producer())
                                .check(status().is(200), header("ETag").exists())));
    }

    private final ScenarioBuilder uploads = scenario("uploads").randomSwitch().on(
            percent(videoPercent).then(upload(target, idPrefix, "video", videos.isEmpty() ? images : videos, poll, timeout)),
            percent(100 - videoPercent).then(upload(target, idPrefix, "image", images, poll, timeout)));

    {
        System.out.printf("media samples: %d JPEGs of %d..%d bytes, %d MP4s of %d..%d bytes%n", images.size(),
                min(images), max(images), videos.size(), min(videos), max(videos));
        List<Assertion> assertions = new ArrayList<>();
        if (videoPercent < 100) {
            assertions.add(p99Below("upload image", uploadP99Millis));
            assertions.add(p99Below("upload to ready (image)", imageReadyP99Millis));
        }
        if (videoPercent > 0) {
            assertions.add(p99Below("upload video", uploadP99Millis));
            assertions.add(p99Below("upload to ready (video)", videoReadyP99Millis));
        }
        assertions.add(errorsAtMost(maxErrorPercent));
        setUp(Load.present(load.arrivals(uploads, uploadRate)))
                .protocols(target.protocol())
                .assertions(assertions);
    }

    private static int min(List<byte[]> files) {
        return files.stream().mapToInt(file -> file.length).min().orElse(0);
    }

    private static int max(List<byte[]> files) {
        return files.stream().mapToInt(file -> file.length).max().orElse(0);
    }
}
