package io.storycast.gateway.story;

/**
 * The one rule for identifiers (story, author, subscriber and media ids): 1 to a maximum number of the
 * characters {@code A-Z a-z 0-9 . _ : -}. The set leaves out braces, so an id inside a Redis key never
 * changes the key's hash tag, and anything that would need escaping in URLs and JSON.
 */
public final class Ids {
    /** Longest story, author or subscriber id, in characters. */
    public static final int MAX_ID_LENGTH = 128;

    private Ids() {
    }

    /**
     * @param id        the candidate id, not null
     * @param maxLength longest allowed, in characters, at least 1
     * @return {@code null} when {@code id} is a valid id, otherwise {@code "length"} or {@code "pattern"}
     */
    public static String brokenRule(String id, int maxLength) {
        if (id.isEmpty() || id.length() > maxLength) {
            return "length";
        }
        for (int i = 0; i < id.length(); i++) {
            if (!isIdCharacter(id.charAt(i))) {
                return "pattern";
            }
        }
        return null;
    }

    /** @return a sentence explaining {@code rule} (from {@link #brokenRule}) for {@code field} */
    public static String explain(String field, String id, int maxLength, String rule) {
        if ("length".equals(rule)) {
            return field + " must be 1 to " + maxLength + " characters, was " + id.length();
        }
        for (int i = 0; i < id.length(); i++) {
            if (!isIdCharacter(id.charAt(i))) {
                return field + " may hold only A-Z a-z 0-9 . _ : - (character " + (i + 1) + " is not allowed)";
            }
        }
        return field + " is a valid id";
    }

    private static boolean isIdCharacter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '.' || c == '_' || c == ':' || c == '-';
    }
}
