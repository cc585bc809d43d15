package io.storycast.media.ffmpeg;

import io.storycast.media.MediaRejectedException;
import org.bytedeco.ffmpeg.avcodec.AVPacket;

/**
 * One rendition's sound, cut into its segments so that each segment's audio starts where its video does.
 * Segment {@code k} covers the source's time {@code [k*S, (k+1)*S)} (S the rendition's
 * {@code maxSegmentSeconds}), the last one ending where the video does, and both its tracks start at 0 in
 * its file: copied AAC to within half an AAC frame ({@link CopiedSegments}), re-encoded sound to the sample
 * ({@link EncodedSegments}, whose packets an {@link AacSegmentEncoder} shared by the renditions of one format
 * makes). What it cuts it writes through the {@link AudioCut.Writer} it was made with ({@link AacAudio#segments}).
 *
 * <p>Lives on the encoding thread of its {@link SegmentedOutput}, which owns it and closes it.
 */
interface SegmentAudio extends AutoCloseable {
    /** @return the AAC track every segment's file carries (parameters and time base stay this object's) */
    AacAudio.Track track();

    /** @param packet a copied AAC packet of the source, in order; not consumed */
    void packet(AVPacket packet) throws MediaRejectedException;

    /** The rendition's pictures now number {@code frames} from the start: writes the sound they have passed. */
    void reached(long frames) throws MediaRejectedException;

    /**
     * The video ended after {@code frames} pictures: writes the rest of the sound up to there, not beyond. Called
     * once the pictures of every rendition of the job are out (a shared encoder ends at the longest).
     */
    void end(long frames) throws MediaRejectedException;

    /** @return whether the sound of {@code segment} is all written, so that its file may be finished */
    boolean complete(int segment);

    @Override
    void close();
}
