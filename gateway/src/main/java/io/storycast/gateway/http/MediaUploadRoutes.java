package io.storycast.gateway.http;

import io.netty.buffer.ByteBuf;
import io.storycast.gateway.media.MediaRecords;
import io.storycast.gateway.media.SharedMedia;
import io.storycast.gateway.metrics.GatewayCounters;
import io.storycast.gateway.metrics.ProcessMetrics;
import io.storycast.gateway.metrics.StageRecorder;
import io.storycast.gateway.story.MediaKind;
import io.storycast.media.MediaProblem;
import io.storycast.media.MediaRejectedException;
import io.storycast.media.probe.Mp4Duration;
import io.storycast.media.probe.SourceFormat;
import io.storycast.media.probe.UploadCheck;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;

/**
 * {@code PUT /v1/media/{mediaId}}: streams the upload, chunk by chunk as it arrives, into one pooled direct
 * buffer (never the heap), up to {@code media.maxUploadBytes} (413 past it). Admission comes first: a full
 * job pool answers 503 with {@code Retry-After} before a byte is read. When the body is in, the cheap checks
 * run here (type by magic bytes, pixels by header: 422 naming the problem); a job that passes is answered
 * 202 and transcoded on a media worker, its outcome recorded for {@code GET /v1/media/{mediaId}}.
 *
 * <p>Receiving is {@link MediaUpload}'s: memory reserved before reading, the request paused while none is
 * free. A body answered before it was read is dropped by {@link UnreadBodies}.
 *
 * <p>Ownership: the upload's buffer, memory and job place come here with the complete body, with the
 * release that gives them back (idempotent); the job calls it on its worker when it is done, and the
 * job's completion calls it again in case the executor dropped the job unrun at shutdown.
 */
final class MediaUploadRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(MediaUploadRoutes.class);

    private final SharedMedia media;
    private final MediaRecords records;
    private final int retryAfterSeconds;
    private final GatewayCounters counters;
    private final StageRecorder imageTranscode;
    private final StageRecorder videoTranscode;

    MediaUploadRoutes(SharedMedia media, MediaRecords records, int retryAfterSeconds, ProcessMetrics metrics) {
        this.media = Objects.requireNonNull(media, "media");
        this.records = Objects.requireNonNull(records, "records");
        this.retryAfterSeconds = retryAfterSeconds;
        this.counters = Objects.requireNonNull(metrics, "metrics").counters();
        this.imageTranscode = metrics.latencies().mediaTranscode(MediaKind.IMAGE);
        this.videoTranscode = metrics.latencies().mediaTranscode(MediaKind.VIDEO);
    }

    void put(RoutingContext context) {
        String mediaId;
        try {
            mediaId = PathInputs.id(context, "mediaId");
        } catch (RuntimeException invalid) {
            UnreadBodies.drop(context, ApiFailures.respond(context, invalid, retryAfterSeconds));
            return;
        }
        long declared = declaredLength(context.request());
        if (declared > media.limits().maxUploadBytes()) {
            counters.mediaJob("too-large");
            UnreadBodies.drop(context,
                    Problems.send(context.response(), MediaProblems.tooLarge(media.limits().maxUploadBytes())));
            return;
        }
        context.request().pause(); // until the id is claimed and memory reserved: no chunk before its handler
        if (!media.jobs().tryAdmit()) {
            counters.mediaJob("busy");
            UnreadBodies.drop(context, Problems.sendRetryLater(context.response(), Problems.problem(503,
                    "media-busy", "Media workers busy",
                    "media.maxJobs uploads are already being received or transcoded; retry later")
                    .put("limit", "media.maxJobs"), retryAfterSeconds));
            return;
        }
        new MediaUpload(media, records, context, mediaId, declared, retryAfterSeconds, this::accept, counters).start();
    }

    /** @return the {@code Content-Length}, -1 when absent, {@code Long.MAX_VALUE} when past any limit */
    private static long declaredLength(HttpServerRequest request) {
        String header = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (header == null || !header.matches("\\d+")) {
            return -1; // Netty refuses a malformed one before it gets here
        }
        return header.length() > 18 ? Long.MAX_VALUE : Long.parseLong(header);
    }

    private void accept(RoutingContext context, MediaRecords.Claim claim, ByteBuf upload, Runnable release) {
        String mediaId = claim.mediaId();
        SourceFormat format;
        try {
            format = UploadCheck.check(upload, media.limits());
            // The duration the MP4's movie header claims: a walk of a few boxes, so an over-long video is
            // refused here, before a worker decodes anything (the worker checks the tracks' headers too).
            long claimedMillis = format.isVideo() ? Mp4Duration.claimedMillis(upload) : 0;
            if (claimedMillis > media.limits().maxDurationMillis()) {
                throw new MediaRejectedException(MediaProblem.TOO_LONG, "the video's header claims " + claimedMillis
                        + " ms, more than " + media.limits().maxDurationMillis() + " ms (media.maxDurationSeconds)");
            }
        } catch (MediaRejectedException rejected) {
            counters.mediaJob("rejected");
            release.run();
            records.failed(claim, rejected.problem(), rejected.getMessage());
            Problems.send(context.response(), MediaProblems.of(rejected.problem(), rejected.getMessage()));
            return;
        }
        context.response().setStatusCode(202)
                .putHeader(HttpHeaders.LOCATION, "/v1/media/" + mediaId)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(new JsonObject().put("mediaId", mediaId).put("status", MediaRecords.PROCESSING)
                        .put("kind", format.isVideo() ? "video" : "image").put("type", format.name().toLowerCase()).toBuffer());
        media.jobs().run(() -> {
            // Released on the worker, so the buffer goes back even when the event loop has stopped meanwhile.
            long startNanos = System.nanoTime();
            try {
                return format.isVideo() ? media.transcoding().transcodeVideo(upload) : media.transcoding().transcodeImage(upload);
            } finally {
                (format.isVideo() ? videoTranscode : imageTranscode).recordSinceNanos(startNanos);
                release.run();
            }
        }).onComplete(job -> {
            release.run(); // a job the executor dropped (it was closed) never ran its finally; release runs once
            counters.mediaJob(job.succeeded() ? "ready" : "failed");
            if (job.succeeded()) {
                records.ready(claim, job.result());
            } else if (job.cause() instanceof MediaRejectedException rejected) {
                records.failed(claim, rejected.problem(), rejected.getMessage());
            } else {
                LOG.error("media job {} failed unexpectedly", mediaId, job.cause());
                records.failed(claim, MediaProblem.CORRUPT, "the transcoder failed: " + job.cause());
            }
        });
    }
}
