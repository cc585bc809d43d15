package io.storycast.gateway.fanout;

import io.storycast.gateway.story.Audience;
import io.storycast.gateway.story.Platform;
import io.storycast.gateway.trays.OutboxLinks;
import io.storycast.gateway.trays.TrayWriter;
import io.vertx.redis.client.Request;

import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What the fan-out of a story to one platform writes per audience chunk, by its route: the story into
 * every member's tray ({@link TrayWrites}), or the members' links to the audience's outbox while an
 * audience that just became large is linked ({@link LinkWrites}).
 */
sealed interface ChunkWrites permits ChunkWrites.TrayWrites, ChunkWrites.LinkWrites {

    /** @return whether chunks leave out the subscribers who muted the author */
    boolean skipsMutedSubscribers();

    /** @return the most commands {@link #addWrites} adds for {@code subscribers} subscribers */
    int commandsFor(int subscribers);

    /**
     * Appends a chunk's writes to its batch.
     *
     * @param chunkNumber the chunk's number within this delivery, from 0
     */
    void addWrites(List<Request> batch, List<String> subscribers, int chunkNumber);

    /** Appends what the final batch writes once every chunk is written. */
    void addCompletion(List<Request> batch);

    /** Every write of a chunk is confirmed: {@code subscribers} hold what it wrote. */
    void written(List<String> subscribers);

    /**
     * The push: the story into every tray; muted subscribers get nothing.
     *
     * @param member   the story's tray member
     * @param score    its createdAt, epoch ms
     * @param trimSeed varies which trays get trimmed, {@link TrayWriter#addWrites}
     * @param onWritten told of each chunk written, with its subscribers (live delivery); returns at once
     */
    record TrayWrites(TrayWriter trays, Platform target, String member, long score, int trimSeed,
                      Consumer<List<String>> onWritten) implements ChunkWrites {
        public TrayWrites {
            Objects.requireNonNull(trays, "trays");
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(member, "member");
            Objects.requireNonNull(onWritten, "onWritten");
        }

        @Override
        public void written(List<String> subscribers) {
            onWritten.accept(subscribers);
        }

        @Override
        public boolean skipsMutedSubscribers() {
            return true;
        }

        @Override
        public int commandsFor(int subscribers) {
            return TrayWriter.commandsFor(subscribers);
        }

        @Override
        public void addWrites(List<Request> batch, List<String> subscribers, int chunkNumber) {
            trays.addWrites(batch, target, subscribers, member, score, trimSeed + chunkNumber);
        }

        @Override
        public void addCompletion(List<Request> batch) {
            // every tray is written: nothing more
        }
    }

    /**
     * Links every member's tray to the outbox, muted or not (a tray read checks mutes, so an unmute shows
     * the author's stories again), then marks the audience linked so later stories skip this.
     */
    record LinkWrites(OutboxLinks links, Platform target, Audience list, String authorId) implements ChunkWrites {
        public LinkWrites {
            Objects.requireNonNull(links, "links");
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(list, "list");
            Objects.requireNonNull(authorId, "authorId");
        }

        @Override
        public boolean skipsMutedSubscribers() {
            return false;
        }

        @Override
        public int commandsFor(int subscribers) {
            return subscribers;
        }

        @Override
        public void addWrites(List<Request> batch, List<String> subscribers, int chunkNumber) {
            links.addChanges(batch, true, target, subscribers, list, authorId);
        }

        @Override
        public void addCompletion(List<Request> batch) {
            links.addLinked(batch, target, list, authorId);
        }

        @Override
        public void written(List<String> subscribers) {
            // links, not stories: the story's live push went out with its route (LiveFeed.routedToOutbox)
        }
    }
}
