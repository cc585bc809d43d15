package io.storycast.gateway.live;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The stories a connection was sent last, by tray member, at most {@code capacity} of them (the oldest forgotten
 * first): a story pushed again (a fan-out redelivered, or a story both in a tray and in an outbox) is not sent twice,
 * and a retraction goes only to connections that were sent the story. Created empty: a connection that is sent
 * nothing costs no more than this object. Not thread-safe: confined to the connection's event loop.
 */
final class RecentStories {
    private final int capacity;
    private LinkedHashMap<String, Boolean> members;

    /** @param capacity stories remembered, 0 to remember none */
    RecentStories(int capacity) {
        this.capacity = capacity;
    }

    /** @return whether the member was sent on this connection (and is still remembered) */
    boolean contains(String member) {
        return members != null && members.containsKey(member);
    }

    /** Remembers a member sent, forgetting the oldest past the capacity. */
    void add(String member) {
        if (capacity == 0) {
            return;
        }
        if (members == null) {
            members = new LinkedHashMap<>(16, 0.75f, false);
        }
        members.put(member, Boolean.TRUE);
        if (members.size() > capacity) {
            Iterator<Map.Entry<String, Boolean>> oldest = members.entrySet().iterator();
            oldest.next();
            oldest.remove();
        }
    }
}
