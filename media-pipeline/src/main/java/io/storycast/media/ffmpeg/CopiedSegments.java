package io.storycast.media.ffmpeg;

import io.storycast.media.MediaRejectedException;
import io.storycast.media.profile.VideoRendition;
import org.bytedeco.ffmpeg.avcodec.AVPacket;

import java.util.Objects;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_ref;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;

/**
 * Copied AAC cut into a rendition's segments at whole packets. A packet belongs to the segment its middle
 * falls in, so each segment begins with the packet whose start is nearest its start on the source's
 * timeline, and that packet is put at time 0 of the segment's file (no edit list may say otherwise). Segment
 * {@code k}'s sound is thus off from its video by less than half a packet (512 samples, 10.7 ms at 48 kHz,
 * 11.6 ms at 44.1 kHz; {@link CopiedAac#fitsTheTimeline} sends sound that would be further off to be
 * re-encoded), and segment {@code k+1} starts with the very packet after segment {@code k}'s last: no gap,
 * no overlap. Packets before the source's time 0 (an edit list's priming, which the demuxer marks to be
 * discarded) are dropped. A decoder given a segment's first packet without the one before it rebuilds the
 * first 1024 samples only approximately (a fade-in): the price of splitting AAC without edit lists.
 */
final class CopiedSegments implements SegmentAudio {
    private final AacAudio.Track track;
    private final long segmentTicks;
    private final AudioCut cut;
    private final AudioCut.Writer writer;
    private final AVPacket scratch = av_packet_alloc();
    private int segment = -1;
    private long origin;
    private long lastDts;

    /** @param writer where the rendition's packets go, in order */
    CopiedSegments(AacAudio.Track track, VideoRendition rendition, AudioCut.Writer writer) {
        this.track = Objects.requireNonNull(track, "track");
        this.writer = Objects.requireNonNull(writer, "writer");
        this.segmentTicks = rendition.maxSegmentSeconds() * track.timeBase().den() / track.timeBase().num();
        this.cut = new AudioCut(track.timeBase(), rendition.framesPerSecond());
    }

    @Override
    public AacAudio.Track track() {
        return track;
    }

    @Override
    public void packet(AVPacket packet) throws MediaRejectedException {
        if (packet.pts() == AV_NOPTS_VALUE) {
            return;
        }
        long middle = packet.pts() + Math.max(0, packet.duration()) / 2;
        int index = (int) Math.floorDiv(middle, segmentTicks);
        if (index < 0 || index < segment) {
            return; // before the source's time 0, or out of order
        }
        if (index != segment) {
            segment = index;
            origin = packet.pts();
            lastDts = Long.MIN_VALUE;
        }
        int referenced = av_packet_ref(scratch, packet);
        if (referenced < 0) {
            throw new OutOfMemoryError("cannot reference an audio packet: " + FfmpegErrors.describe(referenced));
        }
        try {
            long dts = packet.dts() == AV_NOPTS_VALUE ? packet.pts() : packet.dts();
            scratch.pts(packet.pts() - origin);
            scratch.dts(dts - origin);
            if (scratch.dts() < 0 || scratch.dts() <= lastDts) {
                return; // out of order in the source: the muxer would refuse the whole file for it
            }
            lastDts = scratch.dts();
            cut.add(index, packet.pts(), scratch);
        } finally {
            av_packet_unref(scratch);
        }
        cut.commit(writer);
    }

    @Override
    public void reached(long frames) throws MediaRejectedException {
        cut.reached(frames, writer);
    }

    @Override
    public void end(long frames) throws MediaRejectedException {
        cut.end(frames, writer);
    }

    @Override
    public boolean complete(int segment) {
        return cut.complete(segment);
    }

    @Override
    public void close() {
        cut.close();
        av_packet_free(scratch);
    }
}
