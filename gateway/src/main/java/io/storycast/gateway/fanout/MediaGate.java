package io.storycast.gateway.fanout;

import io.storycast.gateway.media.MediaRecords;
import io.storycast.gateway.story.StoryEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.Objects;

/**
 * Holds a story back until its media is ready: no tray may show a story whose rendition for that tray's
 * platform does not exist yet. It asks the media record (cheap: three hash fields) with a growing pause,
 * 50 ms up to 1 s, until the media is {@code ready} or {@code failed}, or the wait runs out. The wait is
 * durable without any state of its own: the story's stream entry stays pending and held by this consumer
 * meanwhile, so if the process dies another one takes the entry over and waits again.
 *
 * <p>Not thread-safe: runs on its worker's event loop.
 */
final class MediaGate {
    private static final long FIRST_PAUSE_MILLIS = 50;
    private static final long LONGEST_PAUSE_MILLIS = 1000;

    /** Why a story may not be shown: null when its media is ready. */
    record Verdict(String failure) {
        boolean ready() {
            return failure == null;
        }
    }

    private final Vertx vertx;
    private final MediaRecords media;
    private final long maxWaitMillis;

    MediaGate(Vertx vertx, MediaRecords media, long maxWaitMillis) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.media = Objects.requireNonNull(media, "media");
        this.maxWaitMillis = maxWaitMillis;
    }

    /** @return ready, or the reason the story must be marked failed (its media failed, or never came) */
    Future<Verdict> await(StoryEvent story) {
        Promise<Verdict> verdict = Promise.promise();
        ask(story.mediaId(), System.currentTimeMillis() + maxWaitMillis, FIRST_PAUSE_MILLIS, verdict);
        return verdict.future();
    }

    private void ask(String mediaId, long deadlineMillis, long pauseMillis, Promise<Verdict> verdict) {
        media.state(mediaId).onFailure(verdict::fail).onSuccess(state -> {
            String status = state.getString("status");
            if (MediaRecords.READY.equals(status)) {
                verdict.complete(new Verdict(null));
            } else if (MediaRecords.FAILED.equals(status)) {
                verdict.complete(new Verdict(failureOf(mediaId, state)));
            } else if (System.currentTimeMillis() >= deadlineMillis) {
                verdict.complete(new Verdict("media " + mediaId + " was not ready within fanout.mediaWaitSeconds ("
                        + (status == null ? "never uploaded" : status) + ")"));
            } else {
                vertx.setTimer(pauseMillis, timer -> ask(mediaId, deadlineMillis,
                        Math.min(LONGEST_PAUSE_MILLIS, 2 * pauseMillis), verdict));
            }
        });
    }

    private static String failureOf(String mediaId, JsonObject state) {
        return "media " + mediaId + " failed: " + state.getString("problem", "unknown") + ": " + state.getString("detail", "");
    }
}
