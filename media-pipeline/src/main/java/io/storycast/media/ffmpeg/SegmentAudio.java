package io.storycast.media.ffmpeg;

import io.storycast.media.MediaRejectedException;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/**
 * One rendition's sound, cut into its segments so that each segment's audio starts where its video does.
 * Segment {@code k} covers the source's time {@code [k*S, (k+1)*S)} (S the rendition's
 * {@code maxSegmentSeconds}), the last one ending where the video does, and both its tracks start at 0 in
 * its file: copied AAC to within half an AAC frame ({@link CopiedSegments}), re-encoded sound to the sample
 * ({@link EncodedSegments}).
 *
 * <p>Lives on the encoding thread of its {@link SegmentedOutput}, which owns it and closes it.
 */
interface SegmentAudio extends AutoCloseable {
    /** @return the AAC track every segment's file carries (parameters and time base stay this object's) */
    AacAudio.Track track();

    /** @param packet a copied AAC packet of the source, in order; not consumed */
    void packet(AVPacket packet, AudioCut.Writer writer) throws MediaRejectedException;

    /** @param frame decoded sound, planar float at the track's rate, contiguous from time 0; not consumed */
    void frame(AVFrame frame, AudioCut.Writer writer) throws MediaRejectedException;

    /** The rendition's pictures now number {@code frames} from the start: writes the sound they have passed. */
    void reached(long frames, AudioCut.Writer writer) throws MediaRejectedException;

    /** The video ended after {@code frames} pictures: writes the rest of the sound up to there, not beyond. */
    void end(long frames, AudioCut.Writer writer) throws MediaRejectedException;

    /** @return whether the sound of {@code segment} is all written, so that its file may be finished */
    boolean complete(int segment);

    @Override
    void close();
}
