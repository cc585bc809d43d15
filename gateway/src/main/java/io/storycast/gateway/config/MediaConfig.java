package io.storycast.gateway.config;

import io.storycast.media.MediaLimits;
import io.storycast.media.ffmpeg.H264Encoders;

import java.util.Set;

/**
 * Story media: uploads, the transcoding workers, where renditions are kept.
 *
 * @param storeDir           folder of the content-addressed rendition store, created if missing; default
 *                           {@code storycast-data/media}
 * @param profilesFile       an operator's platform-profiles JSON file, or {@code null} for the shipped one;
 *                           default {@code null}
 * @param maxUploadBytes     largest upload, 1 KiB to 2 GiB - 1; past it 413; default 104857600 (100 MiB)
 * @param maxPixels          most pixels an image header may claim, 1 to 2^31-1; past it 422; default 50000000
 * @param maxDurationSeconds longest video a header may claim, 1 to 86400; default 600
 * @param jobTimeoutSeconds  longest a transcoding job may run, 1 to 3600; default 60
 * @param workers            transcoding threads, 0 (one per core) to 256; default 0
 * @param maxJobs            uploads accepted and not yet transcoded (reading, queued or running) per
 *                           process, 1 to 10000; past it 503 with Retry-After; default 16
 * @param maxBufferedBytes   upload bytes held in memory at once per process, from {@code maxUploadBytes} to
 *                           2^40; an upload that does not fit waits paused (TCP pushes back); default
 *                           268435456 (256 MiB)
 * @param uploadTimeoutSeconds longest an upload may take from its claim to its last byte, memory waits
 *                           included, 1 to 86400; past it 408 and the id is free again; default 600
 * @param memoryWaitSeconds  longest an upload waits paused for memory before it is answered 503, 1 to 600;
 *                           default 10
 * @param h264Encoder        which OpenH264 encodes video: {@code auto} (the system's {@code openh264Library} when
 *                           it loads and passes its checks, else FFmpeg's bundled one), {@code system} (that
 *                           library or no start-up), {@code bundled}; default {@code auto}
 * @param openh264Library    the system OpenH264 for {@code dlopen}, a soname or a path; default
 *                           {@code libopenh264.so.7}
 */
public record MediaConfig(String storeDir, String profilesFile, long maxUploadBytes, long maxPixels,
                          int maxDurationSeconds, int jobTimeoutSeconds, int workers, int maxJobs,
                          long maxBufferedBytes, int uploadTimeoutSeconds, int memoryWaitSeconds,
                          String h264Encoder, String openh264Library) {
    private static final Set<String> H264_ENCODERS = Set.of("auto", "system", "bundled");

    void validate() {
        ConfigException.require(storeDir != null && !storeDir.isBlank(), "media.storeDir", "must be a folder");
        ConfigException.require(profilesFile == null || !profilesFile.isBlank(), "media.profilesFile",
                "must be a file or null");
        ConfigException.requireRange(maxUploadBytes, 1024, Integer.MAX_VALUE, "media.maxUploadBytes");
        ConfigException.requireRange(maxPixels, 1, Integer.MAX_VALUE, "media.maxPixels");
        ConfigException.requireRange(maxDurationSeconds, 1, 86_400, "media.maxDurationSeconds");
        ConfigException.requireRange(jobTimeoutSeconds, 1, 3600, "media.jobTimeoutSeconds");
        ConfigException.requireRange(workers, 0, 256, "media.workers");
        ConfigException.requireRange(maxJobs, 1, 10_000, "media.maxJobs");
        // Any upload the byte limit allows must fit when it is alone, or it would wait for ever.
        ConfigException.requireRange(maxBufferedBytes, maxUploadBytes, 1L << 40, "media.maxBufferedBytes");
        ConfigException.requireRange(uploadTimeoutSeconds, 1, 86_400, "media.uploadTimeoutSeconds");
        ConfigException.requireRange(memoryWaitSeconds, 1, 600, "media.memoryWaitSeconds");
        ConfigException.require(H264_ENCODERS.contains(h264Encoder), "media.h264Encoder", "must be auto, system or bundled");
        ConfigException.require(openh264Library != null && !openh264Library.isBlank(), "media.openh264Library",
                "must be a library name or path");
    }

    /**
     * Loads the system OpenH264 when asked to (a blocking {@code dlopen} and a trial encoder: call it at start-up).
     *
     * @return the encoders {@code h264Encoder} names
     * @throws ConfigException when it is {@code system} and {@code openh264Library} cannot be used, saying why
     */
    public H264Encoders h264Encoders() {
        return switch (h264Encoder) {
            case "bundled" -> H264Encoders.bundled();
            case "auto" -> H264Encoders.auto(openh264Library);
            default -> {
                try {
                    yield H264Encoders.system(openh264Library);
                } catch (IllegalStateException e) {
                    throw new ConfigException("media.openh264Library", "cannot be used with media.h264Encoder system: " + e.getMessage());
                }
            }
        };
    }

    /** @return the transcoding threads: {@code workers}, or one per core when 0 */
    public int resolvedWorkers() {
        return workers > 0 ? workers : Runtime.getRuntime().availableProcessors();
    }

    /** @return the limits every upload is held to */
    public MediaLimits limits() {
        return new MediaLimits(maxUploadBytes, maxPixels, maxDurationSeconds * 1000L, jobTimeoutSeconds * 1000L);
    }
}
