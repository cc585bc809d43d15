package io.storycast.gateway.trays;

import io.storycast.gateway.redis.RedisKeys;
import io.storycast.gateway.story.Platform;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

import java.util.List;
import java.util.Objects;

/**
 * Builds the tray writes of one fan-out chunk, to be sent as one pipelined batch. Per subscriber one
 * {@code ZADD} of the story (idempotent: the same member and score again changes nothing): the physical
 * minimum. One subscriber in {@link #TRIM_EVERY} also gets a {@code ZREMRANGEBYRANK} that trims the tray
 * to its cap; which one rotates with the story and chunk, so every tray is trimmed about every
 * {@link #TRIM_EVERY} writes and overshoots its cap by about that much at most. Tray reads trim too.
 *
 * <p>No expiry per write: a {@code PEXPIRE} with every {@code ZADD} halved the rate Redis takes tray
 * writes at (docs/PERFORMANCE.md). Stories past their lifetime leave trays through reads and the
 * {@link TrayJanitor}, and a tray left with none is deleted by Redis as an empty sorted set.
 */
public final class TrayWriter {
    /** One subscriber in this many gets a trim with its write. */
    public static final int TRIM_EVERY = 16;

    private final RedisKeys keys;
    private final int maxStories;

    /** @param maxStories the cap of a tray, at least 1 */
    public TrayWriter(RedisKeys keys, int maxStories) {
        this.keys = Objects.requireNonNull(keys, "keys");
        if (maxStories < 1) {
            throw new IllegalArgumentException("maxStories must be at least 1, was " + maxStories);
        }
        this.maxStories = maxStories;
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
            if (i % TRIM_EVERY == trimAt) {
                batch.add(Request.cmd(Command.ZREMRANGEBYRANK).arg(tray).arg(0).arg(-maxStories - 1));
            }
        }
    }

    /** @return commands {@link #addWrites} adds for {@code subscribers} subscribers, at most */
    public static int commandsFor(int subscribers) {
        return subscribers + (subscribers + TRIM_EVERY - 1) / TRIM_EVERY;
    }
}
