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

    /** Refuses a video rendition whose full-length segment at its bit rates would not fit its byte cap. */
    static void requireFitsItsCap(VideoRendition video) {
        if (video.maxBytes() == 0) {
            return;
        }
        long bitsPerSecond = (long) video.videoBitsPerSecond() + video.audioBitsPerSecond();
        long bytes = bitsPerSecond * video.maxSegmentSeconds() / 8;
        if (bytes > video.maxBytes() * VideoRendition.CAP_SHARE) {
            throw new IllegalArgumentException(video.name() + ": " + video.videoBitsPerSecond() + " + " + video.audioBitsPerSecond()
                    + " b/s for " + video.maxSegmentSeconds() + " s make " + bytes + " bytes, more than "
                    + Math.round(VideoRendition.CAP_SHARE * 100) + "% of maxBytes " + video.maxBytes());
        }
    }
}
