package io.storycast.gateway.story;

/**
 * A story platform. The wire name ({@link #wireName()}) is the lower-case name used in JSON, URLs and
 * Redis keys; it never changes once released.
 */
public enum Platform {
    INSTAGRAM("instagram"),
    FACEBOOK("facebook"),
    WHATSAPP("whatsapp"),
    MESSENGER("messenger");

    private static final Platform[] VALUES = values();

    private final String wireName;

    Platform(String wireName) {
        this.wireName = wireName;
    }

    /** @return the lower-case name used on the wire and in Redis keys */
    public String wireName() {
        return wireName;
    }

    /**
     * @param wireName a platform name as sent by a client, e.g. {@code "instagram"}; exact, lower case
     * @return the platform, or {@code null} when the name is not one of the four platforms
     */
    public static Platform fromWireName(String wireName) {
        for (Platform platform : VALUES) {
            if (platform.wireName.equals(wireName)) {
                return platform;
            }
        }
        return null;
    }

    /** @return the wire names of every platform, comma separated, for error messages */
    public static String wireNames() {
        StringBuilder names = new StringBuilder();
        for (Platform platform : VALUES) {
            if (names.length() > 0) {
                names.append(", ");
            }
            names.append(platform.wireName);
        }
        return names.toString();
    }

    @Override
    public String toString() {
        return wireName;
    }
}
