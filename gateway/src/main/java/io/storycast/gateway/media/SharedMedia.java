package io.storycast.gateway.media;

import io.storycast.media.MediaLimits;

import java.util.Objects;

/**
 * What every HTTP event loop of a process shares for media: the bounded job pool, the memory budget of
 * uploads in flight and how long one may wait for it, how long an upload may take, the transcoding (thread safe), the rendition store,
 * and the limits uploads are held to.
 */
public record SharedMedia(MediaJobs jobs, UploadMemory memory, long memoryWaitMillis, long uploadTimeoutMillis,
                          MediaTranscoding transcoding,
                          RenditionStore store, MediaLimits limits) {
    public SharedMedia {
        Objects.requireNonNull(memory, "memory");
        Objects.requireNonNull(jobs, "jobs");
        Objects.requireNonNull(transcoding, "transcoding");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(limits, "limits");
    }
}
