package io.storycast.gateway.story;

/** The kind of a story's media. */
public enum MediaKind {
    IMAGE("image"),
    VIDEO("video");

    private final String wireName;

    MediaKind(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** @return the kind, or {@code null} when the name is unknown */
    public static MediaKind fromWireName(String wireName) {
        for (MediaKind kind : values()) {
            if (kind.wireName.equals(wireName)) {
                return kind;
            }
        }
        return null;
    }
}
