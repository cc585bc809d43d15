package io.storycast.media;

/** Why an upload was refused: each becomes a 422 problem+json whose {@code type} ends with {@link #slug()}. */
public enum MediaProblem {
    /** The bytes are none of the accepted types (JPEG, PNG, WebP, MP4/MOV), whatever the upload claimed. */
    UNSUPPORTED_TYPE("unsupported-media-type"),
    /** The upload is larger than the byte limit. */
    TOO_MANY_BYTES("media-too-large"),
    /** The header claims more pixels than the pixel limit. */
    TOO_MANY_PIXELS("media-too-many-pixels"),
    /** The header claims a longer duration than the duration limit. */
    TOO_LONG("media-too-long"),
    /** The bytes are truncated, corrupt or not decodable as what they claim to be. */
    CORRUPT("media-corrupt"),
    /** The job took longer than its time limit. */
    TIMED_OUT("media-timed-out");

    private final String slug;

    MediaProblem(String slug) {
        this.slug = slug;
    }

    /** @return the stable problem name, e.g. {@code media-corrupt} */
    public String slug() {
        return slug;
    }
}
