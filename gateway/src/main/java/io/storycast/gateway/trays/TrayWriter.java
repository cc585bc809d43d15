package io.storycast.gateway.trays;

import io.storycast.gateway.redis.RedisKeys;
import io.storycast.gateway.story.Platform;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

import java.util.List;
import java.util.Objects;

/**
 * Builds the tray writes of one fan-out chunk, to be sent as one pipelined batch. Per subscriber: a
 * {@code ZADD} of the story (idempotent: the same member and score again changes nothing) and a
 * {@code PEXPIRE} of the tray, so a tray nobody writes to any more disappears once its newest story
 * could no longer be live. One subscriber in {@link #TRIM_EVERY} also gets a {@code ZREMRANGEBYRANK}
 * that trims the tray to its cap; which one rotates with the story and chunk, so every tray is trimmed
 * about every {@link #TRIM_EVERY} writes and overshoots its cap by about that much at most, while a
 * write costs two commands instead of three. Tray reads trim too.
 */
public final class TrayWriter {
    /** One subscriber in this many gets a trim with its write. */
    public static final int TRIM_EVERY = 8;

    private final RedisKeys keys;
    private final int maxStories;
    private final long trayTimeToLiveMillis;

    /**
     * @param maxStories           the cap of a tray, at least 1
     * @param trayTimeToLiveMillis how long a tray lives after its last write: the longest story lifetime
     *                             plus the allowed clock skew, so it outlives every story it holds
     */
    public TrayWriter(RedisKeys keys, int maxStories, long trayTimeToLiveMillis) {
        this.keys = Objects.requireNonNull(keys, "keys");
        if (maxStories < 1 || trayTimeToLiveMillis < 1) {
            throw new IllegalArgumentException("maxStories and trayTimeToLiveMillis must be positive");
        }
        this.maxStories = maxStories;
        this.trayTimeToLiveMillis = trayTimeToLiveMillis;
    }

    /**
     * Appends the writes of one chunk to {@code batch}.
     *
     * @param platform        the trays' platform
     * @param subscribers     whose trays get the story
     * @param member          the story's tray member, {@link RedisKeys#trayMember}
     * @param createdAtMillis the story's score
     * @param trimSeed        varies the subscribers that get a trim (e.g. the story's hash plus the chunk number)
     */
    public void addWrites(List<Request> batch, Platform platform, List<String> subscribers, String member,
                          long createdAtMillis, int trimSeed) {
        int trimAt = Math.floorMod(trimSeed, TRIM_EVERY);
        for (int i = 0; i < subscribers.size(); i++) {
            String tray = keys.tray(platform, subscribers.get(i));
            batch.add(Request.cmd(Command.ZADD).arg(tray).arg(createdAtMillis).arg(member));
            batch.add(Request.cmd(Command.PEXPIRE).arg(tray).arg(trayTimeToLiveMillis));
            if (i % TRIM_EVERY == trimAt) {
                batch.add(Request.cmd(Command.ZREMRANGEBYRANK).arg(tray).arg(0).arg(-maxStories - 1));
            }
        }
    }

    /** @return commands {@link #addWrites} adds for {@code subscribers} subscribers, at most */
    public static int commandsFor(int subscribers) {
        return 2 * subscribers + (subscribers + TRIM_EVERY - 1) / TRIM_EVERY;
    }
}
