package io.storycast.media.ffmpeg;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.storycast.media.MediaLimits;
import io.storycast.media.MediaProblem;
import io.storycast.media.MediaRejectedException;
import io.storycast.media.Rendition;
import io.storycast.media.probe.ExifOrientation;
import io.storycast.media.probe.SourceFormat;
import io.storycast.media.probe.UploadCheck;
import io.storycast.media.profile.ImageRendition;
import org.bytedeco.ffmpeg.avutil.AVFrame;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_log_set_level;

/**
 * Turns one story image into every rendition of every target platform: checks come first (byte limit,
 * type by magic bytes, pixels from the header), then one decode, one filter graph with a branch per
 * distinct rendition (EXIF orientation applied once), and one encode per distinct rendition; platforms
 * that want the same rendition share its bytes.
 *
 * <p>Blocking and CPU-bound: call it on a worker thread, never an event loop. Thread-safe (no state).
 */
public final class ImageTranscoder {
    static {
        // FFmpeg logs to stderr on its own; hostile uploads would fill it with warnings we already turn into
        // typed rejections. Errors still show.
        av_log_set_level(AV_LOG_ERROR);
    }

    private final ByteBufAllocator allocator;

    /** @param allocator where rendition bytes go: a pooled direct allocator in the gateway */
    public ImageTranscoder(ByteBufAllocator allocator) {
        this.allocator = Objects.requireNonNull(allocator, "allocator");
    }

    /**
     * @param upload     the upload, readable bytes from its reader index; stays the caller's (not released)
     * @param byPlatform each target platform's image renditions
     * @return per platform, its renditions in profile order; the caller releases each rendition once
     *         (renditions shared by platforms hold a reference each)
     * @throws MediaRejectedException when the upload breaks a limit, is not an accepted image, or cannot
     *                                be decoded
     */
    public Map<String, List<Rendition>> transcode(ByteBuf upload, Map<String, List<ImageRendition>> byPlatform,
                                                  MediaLimits limits) throws MediaRejectedException {
        long deadlineNanos = System.nanoTime() + limits.jobTimeoutMillis() * 1_000_000;
        SourceFormat format = checkedFormat(upload, limits);
        int orientation = format == SourceFormat.JPEG ? ExifOrientation.of(upload) : ExifOrientation.UPRIGHT;

        // Platforms asking for the same output (size, format, quality, fit, budget) share one encode.
        Map<ImageRendition, Integer> distinct = new LinkedHashMap<>();
        byPlatform.values().forEach(list -> list.forEach(rendition -> distinct.putIfAbsent(sameOutput(rendition), distinct.size())));
        List<ImageRendition> outputs = new ArrayList<>(distinct.keySet());

        AVFrame picture = ImageDecoder.decode(upload, format, limits, deadlineNanos);
        List<ByteBuf> encoded = new ArrayList<>(outputs.size());
        boolean handedOver = false; // on any throw (an Error too) the encoded bytes go back
        try {
            List<AVFrame> frames;
            try (RenditionGraph graph = new RenditionGraph(picture, ExifOrientation.uprightFilters(orientation),
                    outputs.stream().map(rendition -> new RenditionGraph.Target(rendition.width(), rendition.height(),
                            rendition.fit(), ImageEncoder.pixelFormatOf(rendition))).toList())) {
                frames = graph.run(picture);
            }
            try {
                for (int i = 0; i < outputs.size(); i++) {
                    if (System.nanoTime() - deadlineNanos > 0) {
                        throw new MediaRejectedException(MediaProblem.TIMED_OUT, "the job ran past its time limit of "
                                + limits.jobTimeoutMillis() + " ms");
                    }
                    encoded.add(ImageEncoder.encode(frames.get(i), outputs.get(i), allocator));
                }
            } finally {
                frames.forEach(frame -> av_frame_free(frame));
            }
            Map<String, List<Rendition>> shared = share(byPlatform, distinct, encoded);
            handedOver = true;
            return shared;
        } finally {
            if (!handedOver) {
                encoded.forEach(ByteBuf::release);
            }
            av_frame_free(picture);
        }
    }

    private static SourceFormat checkedFormat(ByteBuf upload, MediaLimits limits) throws MediaRejectedException {
        SourceFormat format = UploadCheck.check(upload, limits);
        if (format.isVideo()) {
            throw new MediaRejectedException(MediaProblem.UNSUPPORTED_TYPE, "the upload is a video, not an image");
        }
        return format;
    }

    private static ImageRendition sameOutput(ImageRendition rendition) {
        return new ImageRendition("output", rendition.width(), rendition.height(), rendition.format(),
                rendition.quality(), rendition.fit(), rendition.maxBytes(), "");
    }

    private static Map<String, List<Rendition>> share(Map<String, List<ImageRendition>> byPlatform,
                                                      Map<ImageRendition, Integer> distinct, List<ByteBuf> encoded) {
        int[] uses = new int[encoded.size()];
        Map<String, List<Rendition>> result = new LinkedHashMap<>();
        byPlatform.forEach((platform, renditions) -> {
            List<Rendition> made = new ArrayList<>(renditions.size());
            for (ImageRendition rendition : renditions) {
                int index = distinct.get(sameOutput(rendition));
                ByteBuf bytes = uses[index]++ == 0 ? encoded.get(index) : encoded.get(index).retainedDuplicate();
                made.add(new Rendition(rendition.name(), rendition.format(), ImageEncoder.codecOf(rendition),
                        rendition.width(), rendition.height(), 0, bytes));
            }
            result.put(platform, List.copyOf(made));
        });
        for (int index = 0; index < uses.length; index++) {
            if (uses[index] == 0) {
                encoded.get(index).release();
            }
        }
        return result;
    }
}
