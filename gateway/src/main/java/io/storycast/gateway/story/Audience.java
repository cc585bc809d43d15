package io.storycast.gateway.story;

/** Who a story is for on its source platform. */
public enum Audience {
    /** The author's whole audience: followers, friends or contacts, depending on the platform. */
    DEFAULT("default"),
    /** The author's close-friends list; such a story is never cross-shared. */
    CLOSE_FRIENDS("close_friends");

    private final String wireName;

    Audience(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** @return the audience, or {@code null} when the name is unknown */
    public static Audience fromWireName(String wireName) {
        for (Audience audience : values()) {
            if (audience.wireName.equals(wireName)) {
                return audience;
            }
        }
        return null;
    }
}
