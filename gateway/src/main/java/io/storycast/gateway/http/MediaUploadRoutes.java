package io.storycast.gateway.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.storycast.gateway.media.MediaRecords;
import io.storycast.gateway.media.SharedMedia;
import io.storycast.gateway.media.UploadMemory;
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
 * <p>Back-pressure: an upload reserves its bytes in the process's {@link UploadMemory} before reading them
 * (its whole {@code Content-Length} up front when declared); while none is free the request stays paused.
 *
 * <p>Ownership: {@link Upload} allocates the upload buffer and gives it back, with its reserved memory,
 * exactly once: on a refusal, on a broken connection, or when the job has finished with it.
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

    /**
     * Reads the body once its memory is reserved: the declared {@code Content-Length} at once, or each
     * chunk as it comes. While memory is short the request stays paused, so the client is held back by
     * TCP; past {@code media.memoryWaitSeconds} the upload is answered 503.
     */
    private void receive(RoutingContext context, String mediaId) {
        String declaredHeader = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        long declared = declaredHeader != null && declaredHeader.matches("\\d{1,19}") ? Long.parseLong(declaredHeader) : -1;
        Upload upload = new Upload(context, mediaId, declared);
        if (declared < 0 || media.memory().tryReserve(declared)) {
            upload.reserved = Math.max(0, declared);
            upload.start();
        } else {
            upload.waitForMemory(declared, () -> {
                upload.reserved = declared;
                upload.start();
            });
        }
    }

    /** One upload in flight: its buffer and the memory reserved for it, both given back exactly once. */
    private final class Upload {
        private final RoutingContext context;
        private final HttpServerRequest request;
        private final String mediaId;
        private final boolean declared;
        private final long limit = media.limits().maxUploadBytes();
        private final ByteBuf bytes;
        private long reserved;
        private boolean done;

        Upload(RoutingContext context, String mediaId, long declaredLength) {
            this.context = context;
            this.request = context.request();
            this.mediaId = mediaId;
            this.declared = declaredLength >= 0;
            this.bytes = PooledByteBufAllocator.DEFAULT.directBuffer(
                    (int) Math.min(64 * 1024, declared ? Math.max(1, declaredLength) : 64 * 1024),
                    (int) Math.min(Integer.MAX_VALUE, limit + 1));
        }

        void start() {
            request.handler(this::chunk);
            request.exceptionHandler(failure -> cutOff("the upload was cut off: " + failure.getMessage()));
            // A client that goes away mid-body may close the connection without an error on the request.
            context.response().closeHandler(closed -> cutOff("the upload was cut off: the connection closed"));
            request.endHandler(ended -> {
                if (!done) {
                    done = true;
                    accept(context, mediaId, bytes, this::release);
                }
            });
            request.resume();
        }

        private void chunk(Buffer chunk) {
            if (done) {
                return;
            }
            if (bytes.readableBytes() + chunk.length() > limit) {
                done = true;
                giveUp(MediaProblem.TOO_MANY_BYTES, "the upload passed " + limit + " bytes");
                tooLarge(context);
                return;
            }
            if (declared || media.memory().tryReserve(chunk.length())) {
                reserved += declared ? 0 : chunk.length();
                bytes.writeBytes(byteBufOf(chunk));
                return;
            }
            request.pause();
            waitForMemory(chunk.length(), () -> {
                reserved += chunk.length();
                bytes.writeBytes(byteBufOf(chunk));
                request.resume();
            });
        }

        void waitForMemory(long needed, Runnable then) {
            UploadMemory.Waiter waiter = media.memory().whenAvailable(needed, context.vertx().getOrCreateContext(), () -> {
                if (done) {
                    media.memory().release(needed); // the upload ended while it waited
                } else {
                    then.run();
                }
            });
            context.vertx().setTimer(media.memoryWaitMillis(), timer -> {
                if (!done && waiter.cancel()) {
                    done = true;
                    giveUp(MediaProblem.TOO_MANY_BYTES, "no memory for the upload within media.memoryWaitSeconds");
                    context.response().putHeader(HttpHeaders.CONNECTION, "close");
                    Problems.sendRetryLater(context.response(), Problems.problem(503, "media-busy", "Media memory busy",
                            "uploads in flight hold media.maxBufferedBytes; retry later")
                            .put("limit", "media.maxBufferedBytes"), retryAfterSeconds);
                }
            });
        }

        private void cutOff(String detail) {
            if (!done) {
                done = true;
                giveUp(MediaProblem.CORRUPT, detail);
            }
        }

        /** Releases the buffer and the reserved memory; the job or the refusal calls it once. */
        void release() {
            bytes.release();
            media.memory().release(reserved);
        }

        /** Releases everything and the job place, and records why it went no further (so the id may be uploaded again). */
        private void giveUp(MediaProblem problem, String detail) {
            release();
            media.jobs().finish();
            records.failed(mediaId, problem, detail);
        }
    }

    private void accept(RoutingContext context, String mediaId, ByteBuf upload, Runnable release) {
        SourceFormat format;
        try {
            format = UploadCheck.check(upload, media.limits());
            if (format.isVideo()) {
                throw new MediaRejectedException(MediaProblem.UNSUPPORTED_TYPE,
                        "video uploads are not transcoded yet; send a JPEG, PNG or WebP image");
            }
        } catch (MediaRejectedException rejected) {
            release.run();
            media.jobs().finish();
            records.failed(mediaId, rejected.problem(), rejected.getMessage());
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
                release.run();
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
