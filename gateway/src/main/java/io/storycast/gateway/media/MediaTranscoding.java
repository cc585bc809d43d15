package io.storycast.gateway.media;

import io.netty.buffer.ByteBuf;
import io.storycast.media.MediaLimits;
import io.storycast.media.MediaRejectedException;
import io.storycast.media.Rendition;
import io.storycast.media.ffmpeg.ImageTranscoder;
import io.storycast.media.ffmpeg.VideoTranscoder;
import io.storycast.media.profile.ImageRendition;
import io.storycast.media.profile.PlatformProfiles;
import io.storycast.media.profile.VideoRendition;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One media job on a media worker: every platform's renditions from one decode, each stored by content,
 * described as JSON for the media record. An image becomes each platform's image renditions; a video its
 * video rendition, split into segments ({@code story-1}, {@code story-2}, …) when longer than the
 * platform allows. Blocking: runs on a media worker, never an event loop.
 */
public final class MediaTranscoding {
    private final ImageTranscoder images;
    private final VideoTranscoder videos;
    private final Map<String, List<ImageRendition>> imageRenditions = new LinkedHashMap<>();
    private final Map<String, VideoRendition> videoRenditions = new LinkedHashMap<>();
    private final RenditionStore store;
    private final MediaLimits limits;

    public MediaTranscoding(ImageTranscoder images, VideoTranscoder videos, PlatformProfiles profiles, RenditionStore store,
                            MediaLimits limits) {
        this.images = Objects.requireNonNull(images, "images");
        this.videos = Objects.requireNonNull(videos, "videos");
        this.store = Objects.requireNonNull(store, "store");
        this.limits = Objects.requireNonNull(limits, "limits");
        profiles.platforms().forEach((platform, profile) -> {
            imageRenditions.put(platform, profile.images());
            videoRenditions.put(platform, profile.video());
        });
    }

    /**
     * @param upload the image; stays the caller's
     * @return per platform, its renditions: name, format, codec, width, height, bytes and sha256
     */
    public JsonObject transcodeImage(ByteBuf upload) throws MediaRejectedException, IOException {
        return storeAndDescribe(images.transcode(upload, imageRenditions, limits));
    }

    /**
     * @param upload the video; stays the caller's
     * @return per platform, its video's segments in playing order: name, format, codec, width, height,
     *         durationMillis, bytes and sha256
     */
    public JsonObject transcodeVideo(ByteBuf upload) throws MediaRejectedException, IOException {
        return storeAndDescribe(videos.transcode(upload, videoRenditions, limits));
    }

    /** Stores every rendition, then releases them all, stored or not. */
    private JsonObject storeAndDescribe(Map<String, List<Rendition>> made) throws IOException {
        try {
            JsonObject byPlatform = new JsonObject();
            for (Map.Entry<String, List<Rendition>> platform : made.entrySet()) {
                JsonArray renditions = new JsonArray();
                for (Rendition rendition : platform.getValue()) {
                    JsonObject described = new JsonObject()
                            .put("name", rendition.name())
                            .put("format", rendition.format())
                            .put("codec", rendition.codec())
                            .put("width", rendition.width())
                            .put("height", rendition.height());
                    if (rendition.durationMillis() > 0) {
                        described.put("durationMillis", rendition.durationMillis());
                    }
                    renditions.add(described
                            .put("bytes", rendition.bytes().readableBytes())
                            .put("sha256", store.put(rendition.bytes())));
                }
                byPlatform.put(platform.getKey(), renditions);
            }
            return byPlatform;
        } finally {
            made.values().forEach(renditions -> renditions.forEach(Rendition::release));
        }
    }
}
