package io.storycast.media.profile;

/** How a source of another shape becomes the rendition's 9:16 frame. */
public enum Fit {
    /** Scale to fill the frame, then crop the overflow equally from both sides (nothing letterboxed). */
    COVER,
    /** Scale to fit inside the frame, then pad equally with black (nothing cropped). */
    PAD
}
