package io.storycast.gateway.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.storycast.gateway.media.MediaRecords;
import io.storycast.gateway.media.SharedMedia;
import io.storycast.media.MediaProblem;
import io.storycast.media.MediaRejectedException;
import io.storycast.media.probe.SourceFormat;
import io.storycast.media.probe.UploadCheck;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.buffer.BufferInternal;
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
 * <p>Ownership: this class allocates the upload buffer and releases it exactly once: on a refusal, on a
 * broken connection, or when the job has finished with it.
 */
final class MediaUploadRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(MediaUploadRoutes.class);

    private final SharedMedia media;
    private final MediaRecords records;
    private final int retryAfterSeconds;

    MediaUploadRoutes(SharedMedia media, MediaRecords records, int retryAfterSeconds) {
        this.media = Objects.requireNonNull(media, "media");
        this.records = Objects.requireNonNull(records, "records");
        this.retryAfterSeconds = retryAfterSeconds;
    }

    void put(RoutingContext context) {
        String mediaId;
        try {
            mediaId = PathInputs.id(context, "mediaId");
        } catch (RuntimeException invalid) {
            ApiFailures.respond(context, invalid, retryAfterSeconds);
            return;
        }
        String declared = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (declared != null && declared.matches("\\d{1,19}") && Long.parseLong(declared) > media.limits().maxUploadBytes()) {
            tooLarge(context);
            return;
        }
        context.request().pause(); // until the id is claimed: no chunk may arrive before its handler
        if (!media.jobs().tryAdmit()) {
            Problems.sendRetryLater(context.response(), Problems.problem(503, "media-busy", "Media workers busy",
                    "media.maxJobs uploads are already being received or transcoded; retry later")
                    .put("limit", "media.maxJobs"), retryAfterSeconds);
            return;
        }
        records.begin(mediaId).onComplete(claimed -> {
            if (claimed.failed() || !claimed.result()) {
                media.jobs().finish();
                if (claimed.failed()) {
                    ApiFailures.respond(context, claimed.cause(), retryAfterSeconds);
                } else {
                    Problems.send(context.response(), Problems.problem(409, "media-exists", "Media already uploaded",
                            "media " + mediaId + " is already processing or ready; GET /v1/media/" + mediaId)
                            .put("field", "mediaId"));
                }
                return;
            }
            receive(context, mediaId);
        });
    }

    private void receive(RoutingContext context, String mediaId) {
        HttpServerRequest request = context.request();
        long limit = media.limits().maxUploadBytes();
        ByteBuf upload = PooledByteBufAllocator.DEFAULT.directBuffer(64 * 1024, (int) Math.min(Integer.MAX_VALUE, limit + 1));
        boolean[] done = {false};
        request.handler(chunk -> {
            if (done[0]) {
                return;
            }
            if (upload.readableBytes() + chunk.length() > limit) {
                done[0] = true;
                giveUp(upload, mediaId, MediaProblem.TOO_MANY_BYTES, "the upload passed " + limit + " bytes");
                tooLarge(context);
                return;
            }
            upload.writeBytes(byteBufOf(chunk));
        });
        request.exceptionHandler(failure -> {
            if (!done[0]) {
                done[0] = true;
                giveUp(upload, mediaId, MediaProblem.CORRUPT, "the upload was cut off: " + failure.getMessage());
            }
        });
        // A client that goes away mid-body may close the connection without an error on the request.
        context.response().closeHandler(closed -> {
            if (!done[0]) {
                done[0] = true;
                giveUp(upload, mediaId, MediaProblem.CORRUPT, "the upload was cut off: the connection closed");
            }
        });
        request.endHandler(ended -> {
            if (!done[0]) {
                done[0] = true;
                accept(context, mediaId, upload);
            }
        });
        request.resume();
    }

    private void accept(RoutingContext context, String mediaId, ByteBuf upload) {
        SourceFormat format;
        try {
            format = UploadCheck.check(upload, media.limits());
            if (format.isVideo()) {
                throw new MediaRejectedException(MediaProblem.UNSUPPORTED_TYPE,
                        "video uploads are not transcoded yet; send a JPEG, PNG or WebP image");
            }
        } catch (MediaRejectedException rejected) {
            giveUp(upload, mediaId, rejected.problem(), rejected.getMessage());
            Problems.send(context.response(), MediaProblems.of(rejected.problem(), rejected.getMessage()));
            return;
        }
        context.response().setStatusCode(202)
                .putHeader(HttpHeaders.LOCATION, "/v1/media/" + mediaId)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(new JsonObject().put("mediaId", mediaId).put("status", MediaRecords.PROCESSING)
                        .put("kind", "image").put("type", format.name().toLowerCase()).toBuffer());
        media.jobs().run(() -> {
            // Released on the worker, so the buffer goes back even when the event loop has stopped meanwhile.
            try {
                return media.transcoding().transcodeImage(upload);
            } finally {
                upload.release();
                media.jobs().finish();
            }
        }).onComplete(job -> {
            if (job.succeeded()) {
                records.ready(mediaId, job.result());
            } else if (job.cause() instanceof MediaRejectedException rejected) {
                records.failed(mediaId, rejected.problem(), rejected.getMessage());
            } else {
                LOG.error("media job {} failed unexpectedly", mediaId, job.cause());
                records.failed(mediaId, MediaProblem.CORRUPT, "the transcoder failed: " + job.cause());
            }
        });
    }

    /** Releases the upload and its place, and records why it went no further (so the id may be uploaded again). */
    private void giveUp(ByteBuf upload, String mediaId, MediaProblem problem, String detail) {
        upload.release();
        media.jobs().finish();
        records.failed(mediaId, problem, detail);
    }

    private void tooLarge(RoutingContext context) {
        long limit = media.limits().maxUploadBytes();
        context.response().putHeader(HttpHeaders.CONNECTION, "close");
        Problems.send(context.response(), Problems.problem(413, MediaProblem.TOO_MANY_BYTES.slug(), "Upload too large",
                "the upload exceeds " + limit + " bytes (media.maxUploadBytes)")
                .put("limit", "media.maxUploadBytes").put("maxBytes", limit));
    }

    /** A view of a Vert.x chunk's bytes (no copy; not to be released: Vert.x owns the chunk). */
    private static ByteBuf byteBufOf(Buffer chunk) {
        return ((BufferInternal) chunk).getByteBuf();
    }
}
