package io.storycast.gateway.fanout;

import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.Objects;

/**
 * A story's place among its worker's stories in flight ({@code fanout.maxStoriesInFlight}), taken before
 * the story starts. A story that waits for its media gives the place up while it waits ({@link #park()}),
 * so stories whose media is slow do not hold back the ones ready to go; it takes a place again, in line
 * with the others, once the wait is over ({@link #unpark()}). The stories waiting without a place are
 * bounded on their own ({@code fanout.maxStoriesAwaitingMedia}); past that bound a waiting story keeps
 * its place, and the worker reads no more than its places allow.
 *
 * <p>Not thread-safe: runs on its worker's event loop.
 */
final class StorySlot {
    private final Permits inFlight;
    private final Permits awaitingMedia;
    private boolean holdsPlace = true;
    private boolean parked;

    /** @param inFlight where its place was taken; {@code awaitingMedia} bounds the parked stories */
    StorySlot(Permits inFlight, Permits awaitingMedia) {
        this.inFlight = Objects.requireNonNull(inFlight, "inFlight");
        this.awaitingMedia = Objects.requireNonNull(awaitingMedia, "awaitingMedia");
    }

    /** Gives the place up for a wait, when the parked stories are below their bound. */
    void park() {
        if (holdsPlace && !parked && awaitingMedia.tryAcquire(1)) {
            parked = true;
            holdsPlace = false;
            inFlight.release(1);
        }
    }

    /** @return completes once the story holds a place again (at once when it never gave it up) */
    Future<Void> unpark() {
        if (!parked) {
            return Future.succeededFuture();
        }
        parked = false;
        awaitingMedia.release(1);
        Promise<Void> placed = Promise.promise();
        inFlight.whenAvailable(1, () -> {
            holdsPlace = true;
            placed.complete();
        });
        return placed.future();
    }

    /** Gives everything back when the story is done. */
    void release() {
        if (parked) {
            parked = false;
            awaitingMedia.release(1);
        }
        if (holdsPlace) {
            holdsPlace = false;
            inFlight.release(1);
        }
    }
}
