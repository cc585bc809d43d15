package io.storycast.gateway.live;

import io.storycast.gateway.redis.RedisKeys;
import io.storycast.gateway.story.Platform;
import io.storycast.gateway.trays.StoryRecord;
import io.storycast.gateway.trays.TrayCursor;
import io.storycast.gateway.trays.TrayReader;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * What a resuming connection missed: the stories of its tray that come after its {@code Last-Event-ID} in the tray's
 * order, read through the tray API's own path ({@link TrayReader}: pushed stories and the linked outboxes' stories
 * merged, expired and retracted ones left out), page by page from the newest until the id is reached, and returned
 * oldest first, the order they are sent in.
 */
final class LiveBacklog {
    /**
     * @param stories   the missed stories, oldest first
     * @param truncated whether more were missed than were read ({@code live.maxResumeStories}): the oldest are left out
     */
    record Missed(List<StoryRecord> stories, boolean truncated) {
    }

    private LiveBacklog() {
    }

    /**
     * @param after    the resuming connection's last event id
     * @param max      most stories to return, at least 1
     * @param pageSize stories per tray read, at least 1
     */
    static Future<Missed> read(TrayReader trays, Platform platform, String subscriberId, TrayCursor after, int max,
                               int pageSize) {
        Objects.requireNonNull(after, "after");
        List<StoryRecord> newestFirst = new ArrayList<>();
        return next(trays, platform, subscriberId, after, max, pageSize, null, newestFirst).map(truncated -> {
            Collections.reverse(newestFirst);
            return new Missed(newestFirst, truncated);
        });
    }

    /** @return whether the read stopped at {@code max} with more to go */
    private static Future<Boolean> next(TrayReader trays, Platform platform, String subscriberId, TrayCursor after, int max,
                                        int pageSize, TrayCursor from, List<StoryRecord> into) {
        return trays.page(platform, subscriberId, pageSize, from).compose(page -> {
            for (StoryRecord story : page.stories()) {
                if (!cursorOf(story).isAfter(after)) {
                    return Future.succeededFuture(false);
                }
                if (into.size() == max) {
                    return Future.succeededFuture(true);
                }
                into.add(story);
            }
            // A page's end may lie at or before the id though its live stories did not (dead ones are left out).
            return page.next() == null || !page.next().isAfter(after) ? Future.succeededFuture(false)
                    : next(trays, platform, subscriberId, after, max, pageSize, page.next(), into);
        });
    }

    static TrayCursor cursorOf(StoryRecord story) {
        return new TrayCursor(story.createdAtMillis(), RedisKeys.trayMember(story.source(), story.storyId()));
    }
}
