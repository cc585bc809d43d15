package io.storycast.gateway.live;

import io.storycast.gateway.story.Audience;
import io.storycast.gateway.story.Platform;
import io.storycast.gateway.story.StoryEvent;

import java.util.List;

/**
 * What the fan-out and the retraction tell live delivery. Every call returns at once: it never waits for Redis
 * nor for any subscriber, and a push that cannot be published is counted and dropped (the tray has the story; a
 * resumed connection gets it). Implementations are confined to the caller's event loop.
 */
public interface LiveFeed {
    /** A feed that publishes nothing: live delivery is off ({@code live.enabled} false). */
    LiveFeed NONE = new LiveFeed() {
        @Override
        public void pushed(StoryEvent story, long acceptedAtMillis, Platform target, List<String> subscribers) {
        }

        @Override
        public void routedToOutbox(StoryEvent story, long acceptedAtMillis, Platform target, Audience list) {
        }

        @Override
        public void retracted(Platform source, String storyId) {
        }
    };

    /**
     * A chunk of the story's fan-out to {@code target} is written: every tray of {@code subscribers} holds it.
     *
     * @param acceptedAtMillis when the story's stream entry was appended, epoch ms (Redis's clock)
     * @param subscribers      the chunk's subscribers, not to be changed by the caller afterwards
     */
    void pushed(StoryEvent story, long acceptedAtMillis, Platform target, List<String> subscribers);

    /** The story went to {@code target} through the outbox of {@code list} (a large audience): its members' tray reads show it. */
    void routedToOutbox(StoryEvent story, long acceptedAtMillis, Platform target, Audience list);

    /** The story was retracted now: connections that were sent it are told. */
    void retracted(Platform source, String storyId);
}
