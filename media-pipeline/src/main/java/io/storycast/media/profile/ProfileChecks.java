package io.storycast.media.profile;

/** Checks shared by the profile records, with messages that name the field. */
final class ProfileChecks {
    private ProfileChecks() {
    }

    static void requireName(String name) {
        if (!name.matches("[a-z0-9-]{1,32}")) {
            throw new IllegalArgumentException("rendition name must be 1 to 32 of a-z 0-9 -, was '" + name + "'");
        }
    }

    static void requireRange(long value, long min, long max, String field) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(field + " must be " + min + " to " + max + ", was " + value);
        }
    }
}
