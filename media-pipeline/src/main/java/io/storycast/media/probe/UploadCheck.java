package io.storycast.media.probe;

import io.netty.buffer.ByteBuf;
import io.storycast.media.MediaLimits;
import io.storycast.media.MediaProblem;
import io.storycast.media.MediaRejectedException;

import java.util.Optional;

/**
 * The checks that need no decoder, cheap enough for an event loop: the byte limit, the type by its magic
 * bytes, for an image the pixels its header claims, and for a video no Dolby Vision that needs Dolby Vision
 * processing ({@link DolbyVisionConfig}). Everything an upload must pass before a worker
 * spends time on it.
 */
public final class UploadCheck {
    private UploadCheck() {
    }

    /**
     * @param upload the whole upload; read without moving its indexes
     * @return its type
     * @throws MediaRejectedException TOO_MANY_BYTES, UNSUPPORTED_TYPE (Dolby Vision profile 5 too), CORRUPT (an
     *                                image header cut short) or TOO_MANY_PIXELS
     */
    public static SourceFormat check(ByteBuf upload, MediaLimits limits) throws MediaRejectedException {
        if (upload.readableBytes() > limits.maxUploadBytes()) {
            throw new MediaRejectedException(MediaProblem.TOO_MANY_BYTES, "the upload has " + upload.readableBytes()
                    + " bytes; the limit is " + limits.maxUploadBytes());
        }
        SourceFormat format = SourceFormat.sniff(upload).orElseThrow(() -> new MediaRejectedException(
                MediaProblem.UNSUPPORTED_TYPE, "the bytes are not a JPEG, PNG, WebP or MP4 file"));
        if (format.isVideo()) {
            Optional<DolbyVisionConfig> dolbyVision = DolbyVisionConfig.read(upload);
            if (dolbyVision.isPresent()) {
                dolbyVision.get().requirePlayable();
            }
            return format;
        }
        ImageHeader header = ImageHeader.read(format, upload).orElseThrow(() -> new MediaRejectedException(
                MediaProblem.CORRUPT, "the " + format.name() + " header is cut short or malformed"));
        if (header.pixels() > limits.maxPixels()) {
            throw new MediaRejectedException(MediaProblem.TOO_MANY_PIXELS, "the header claims " + header.width() + "x"
                    + header.height() + " = " + header.pixels() + " pixels; the limit is " + limits.maxPixels());
        }
        return format;
    }
}
