package io.storycast.gateway.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.storycast.gateway.media.MediaRecords;
import io.storycast.gateway.media.SharedMedia;
import io.storycast.gateway.media.UploadMemory;
import io.storycast.gateway.metrics.GatewayCounters;
import io.storycast.media.MediaProblem;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One admitted upload, from claiming its media id to its last byte: it claims the id, reserves memory
 * before it reads (the whole {@code Content-Length} when declared; else its buffer's capacity as it
 * grows), and reads into one pooled direct buffer. While memory is short the request stays paused, so
 * TCP holds the client back; past {@code media.memoryWaitSeconds} it is answered 503, and past
 * {@code media.uploadTimeoutSeconds} from its start, 408.
 *
 * <p>Ownership: it holds, from admission, the job place; once memory is reserved, the reservation and
 * the buffer. It gives all three back exactly once: when it refuses the upload, when the client goes away
 * (at any point, the claim and the memory wait included), or, once the body is in, through the release
 * it hands over with the buffer. Runs on its request's event loop.
 */
final class MediaUpload {
    /** What a complete upload goes to: its bytes, and the release to call once done with them (any thread). */
    interface Receiver {
        void received(RoutingContext context, MediaRecords.Claim claim, ByteBuf bytes, Runnable release);
    }

    private static final int FIRST_CAPACITY_WITHOUT_LENGTH = 64 * 1024;

    private final SharedMedia media;
    private final MediaRecords records;
    private final RoutingContext context;
    private final HttpServerRequest request;
    private final String mediaId;
    private final long declaredLength;
    private final int retryAfterSeconds;
    private final Receiver receiver;
    private final GatewayCounters counters;
    private ByteBuf bytes;
    private long reservedBytes;
    private MediaRecords.Claim claim; // null until the id is claimed
    private boolean done;
    /** Why the upload ended before its id was claimed (recorded once the claim is decided), or {@code null}. */
    private MediaProblem endedBeforeClaim;
    private String endedBeforeClaimDetail;
    private UploadMemory.Waiter waiting;
    private long memoryTimer = -1;
    private long uploadTimer = -1;

    /** @param declaredLength the {@code Content-Length}, at most the byte limit, or -1 when not declared */
    MediaUpload(SharedMedia media, MediaRecords records, RoutingContext context, String mediaId, long declaredLength,
                int retryAfterSeconds, Receiver receiver, GatewayCounters counters) {
        this.media = Objects.requireNonNull(media, "media");
        this.records = Objects.requireNonNull(records, "records");
        this.context = Objects.requireNonNull(context, "context");
        this.request = context.request();
        this.mediaId = Objects.requireNonNull(mediaId, "mediaId");
        this.declaredLength = declaredLength;
        this.retryAfterSeconds = retryAfterSeconds;
        this.receiver = Objects.requireNonNull(receiver, "receiver");
        this.counters = Objects.requireNonNull(counters, "counters");
    }

    /** Starts on an admitted, paused request. */
    void start() {
        // From now on, before anything else can go wrong: a client may leave while the id is claimed or
        // while it waits for memory, and its place, memory and buffer must come back then too.
        request.exceptionHandler(failure -> cutOff("the upload was cut off: " + failure.getMessage()));
        context.response().closeHandler(closed -> cutOff("the upload was cut off: the connection closed"));
        // A client that trickles its body (or waits for memory) holds a job place: it gets a time limit.
        uploadTimer = context.vertx().setTimer(media.uploadTimeoutMillis(), fired -> {
            uploadTimer = -1;
            if (!done) {
                counters.mediaJob("timed-out");
                giveBack(MediaProblem.TIMED_OUT, "the upload took longer than media.uploadTimeoutSeconds");
                answerUnread(Problems.send(context.response(), Problems.problem(408, "upload-timed-out",
                        "Upload timed out", "the upload did not arrive within " + media.uploadTimeoutMillis() / 1000
                                + " s (media.uploadTimeoutSeconds)").put("limit", "media.uploadTimeoutSeconds")));
            }
        });
        records.begin(mediaId).onComplete(this::claimDecided);
    }

    private void claimDecided(AsyncResult<MediaRecords.Claim> claimed) {
        claim = claimed.succeeded() ? claimed.result() : null;
        if (done) { // the client left (or the time ran out) while the id was being claimed
            if (claim != null) {
                records.failed(claim, endedBeforeClaim == null ? MediaProblem.CORRUPT : endedBeforeClaim,
                        endedBeforeClaimDetail == null ? "the upload was cut off before it began" : endedBeforeClaimDetail);
            }
            return;
        }
        if (claimed.failed()) {
            JsonObject unavailable = Problems.problem(503, "store-unavailable", "Store unavailable",
                    claimed.cause().getMessage() + "; the upload is safe to retry");
            Problems.retryLater(context.response(), unavailable, retryAfterSeconds);
            counters.mediaJob("unavailable");
            refuse(unavailable);
        } else if (claim == null) {
            counters.mediaJob("conflict");
            refuse(Problems.problem(409, "media-exists", "Media already uploaded",
                    "media " + mediaId + " is already processing or ready; GET /v1/media/" + mediaId).put("field", "mediaId"));
        } else {
            // Without a length the buffer starts small, and never above the byte limit (which may be below it).
            int first = declaredLength >= 0 ? (int) declaredLength
                    : (int) Math.min(FIRST_CAPACITY_WITHOUT_LENGTH, media.limits().maxUploadBytes());
            reserveThen(first, () -> {
                bytes = PooledByteBufAllocator.DEFAULT.directBuffer(first, (int) media.limits().maxUploadBytes());
                read();
            });
        }
    }

    private void read() {
        if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
            // Only now, with the id claimed and memory reserved: a client that waits for it (curl does, for
            // large bodies) sends no byte of an upload that would be refused.
            context.response().writeContinue();
        }
        request.handler(this::chunk);
        request.endHandler(ended -> {
            if (!done) {
                done = true;
                cancelTimers();
                ByteBuf received = bytes;
                long reserved = reservedBytes;
                AtomicBoolean released = new AtomicBoolean();
                receiver.received(context, claim, received, () -> {
                    if (released.compareAndSet(false, true)) {
                        received.release();
                        media.memory().release(reserved);
                        media.jobs().finish();
                    }
                });
            }
        });
        request.resume();
    }

    private void chunk(Buffer chunk) {
        if (done) {
            return;
        }
        long needed = (long) bytes.writerIndex() + chunk.length();
        if (needed > media.limits().maxUploadBytes()) {
            counters.mediaJob("too-large");
            giveBack(MediaProblem.TOO_MANY_BYTES, "the upload passed " + media.limits().maxUploadBytes() + " bytes");
            answerUnread(Problems.send(context.response(), MediaProblems.tooLarge(media.limits().maxUploadBytes())));
            return;
        }
        if (needed <= bytes.capacity()) {
            bytes.writeBytes(byteBufOf(chunk));
            return;
        }
        // Only an upload without a Content-Length grows; it reserves each growth before it allocates it.
        int grown = (int) Math.min(media.limits().maxUploadBytes(), Math.max(needed, 2L * bytes.capacity()));
        request.pause();
        reserveThen(grown - bytes.capacity(), () -> {
            bytes.capacity(grown);
            bytes.writeBytes(byteBufOf(chunk));
            request.resume();
        });
    }

    /** Reserves memory, then runs {@code then}; while none is free the request stays paused. */
    private void reserveThen(long needed, Runnable then) {
        if (media.memory().tryReserve(needed)) {
            reservedBytes += needed;
            then.run();
            return;
        }
        memoryTimer = context.vertx().setTimer(media.memoryWaitMillis(), fired -> {
            memoryTimer = -1;
            if (!done && waiting != null && waiting.cancel()) {
                waiting = null;
                counters.mediaJob("busy");
                giveBack(MediaProblem.TOO_MANY_BYTES, "no memory for the upload within media.memoryWaitSeconds");
                answerUnread(Problems.sendRetryLater(context.response(), Problems.problem(503, "media-busy",
                        "Media memory busy", "uploads in flight hold media.maxBufferedBytes; retry later")
                        .put("limit", "media.maxBufferedBytes"), retryAfterSeconds));
            }
        });
        waiting = media.memory().whenAvailable(needed, context.vertx().getOrCreateContext(), () -> {
            waiting = null;
            cancelMemoryTimer();
            if (done) {
                media.memory().release(needed); // granted after the upload ended
                return;
            }
            reservedBytes += needed;
            then.run();
        });
    }

    private void cutOff(String detail) {
        if (!done) {
            counters.mediaJob("cut-off");
            giveBack(MediaProblem.CORRUPT, detail);
        }
    }

    /** Gives the job place, memory and buffer back and, when the id is ours, records why it went no further. */
    private void giveBack(MediaProblem problem, String detail) {
        finishUnclaimed();
        if (claim != null) {
            records.failed(claim, problem, detail); // the id may be uploaded again
        } else if (endedBeforeClaim == null) {
            // The claim may still be on its way: when it comes, it records this reason, not a generic one.
            endedBeforeClaim = problem;
            endedBeforeClaimDetail = detail;
        }
    }

    private void cancelMemoryTimer() {
        if (memoryTimer >= 0) {
            context.vertx().cancelTimer(memoryTimer);
            memoryTimer = -1;
        }
    }

    private void cancelTimers() {
        cancelMemoryTimer();
        if (uploadTimer >= 0) {
            context.vertx().cancelTimer(uploadTimer);
            uploadTimer = -1;
        }
    }

    private void finishUnclaimed() {
        done = true;
        cancelTimers();
        if (waiting != null) {
            waiting.cancel(); // if it was granted meanwhile, its callback sees done and gives the bytes back
            waiting = null;
        }
        if (bytes != null) {
            bytes.release();
            bytes = null;
        }
        media.memory().release(reservedBytes);
        reservedBytes = 0;
        media.jobs().finish();
    }

    /** Refuses before a byte was read. */
    private void refuse(JsonObject problem) {
        finishUnclaimed();
        answerUnread(Problems.send(context.response(), problem));
    }

    private void answerUnread(Future<Void> answered) {
        UnreadBodies.drop(context, answered);
    }

    /** A view of a Vert.x chunk's bytes (no copy; not to be released: Vert.x owns the chunk). */
    private static ByteBuf byteBufOf(Buffer chunk) {
        return ((BufferInternal) chunk).getByteBuf();
    }
}
