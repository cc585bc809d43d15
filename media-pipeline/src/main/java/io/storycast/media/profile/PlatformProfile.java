package io.storycast.media.profile;

import java.util.List;
import java.util.Objects;

/**
 * What one platform wants from a story's media.
 *
 * @param images the renditions made from a story image, at least one, names unique
 * @param video  the rendition made from a story video; with a byte cap, its bit rates must fit a full
 *               segment in 90% of the cap
 */
public record PlatformProfile(List<ImageRendition> images, VideoRendition video) {
    public PlatformProfile {
        images = List.copyOf(Objects.requireNonNull(images, "images"));
        Objects.requireNonNull(video, "video");
        ProfileChecks.requireFitsItsCap(video);
        if (images.isEmpty()) {
            throw new IllegalArgumentException("a platform needs at least one image rendition");
        }
        if (images.stream().map(ImageRendition::name).distinct().count() != images.size()) {
            throw new IllegalArgumentException("image rendition names must be unique");
        }
    }
}
