package io.storycast.media.ffmpeg;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.storycast.media.MediaProblem;
import io.storycast.media.MediaRejectedException;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVRational;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_rescale_ts;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_copy;
import static org.bytedeco.ffmpeg.global.avformat.av_interleaved_write_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_write_trailer;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_output_context2;
import static org.bytedeco.ffmpeg.global.avformat.avformat_free_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_new_stream;
import static org.bytedeco.ffmpeg.global.avformat.avformat_write_header;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;

/**
 * One MP4 file being written by FFmpeg's {@code mp4} muxer into off-heap memory ({@link NativeOutput}):
 * an H.264 track and, when there is sound, an AAC track. No edit list ({@code use_editlist=0}: each track
 * starts at 0, which the caller ensures), no metadata at all (nothing is copied from the source, and
 * {@code bitexact} leaves out the muxer's own {@code encoder} tag), and {@code moov} before {@code mdat}
 * ({@link MoovFirst}).
 *
 * <p>Ownership: frees its muxer and output on {@link #close()}; {@link #finish()} hands the file over.
 */
final class Mp4Muxer implements AutoCloseable {
    static final int VIDEO = 0;
    static final int AUDIO = 1;
    /** {@code AVFMT_FLAG_BITEXACT}: no encoder version string in the file. */
    private static final int BITEXACT = 0x0400;

    private final ByteBufAllocator allocator;
    private final NativeOutput output;
    private final AVFormatContext container = new AVFormatContext(null);
    private final AVRational[] timeBases = new AVRational[2];

    /**
     * @param maxBytes most bytes the file may have, 1 to {@link Integer#MAX_VALUE}
     * @param video          the H.264 encoder's parameters (size, colours, SPS/PPS) that make the video track
     * @param videoTimeBase  the time base of the video packets
     * @param audio          the AAC track, or null for a silent file
     */
    Mp4Muxer(ByteBufAllocator allocator, long maxBytes, AVCodecParameters video, AVRational videoTimeBase, AacAudio.Track audio)
            throws MediaRejectedException {
        this.allocator = allocator;
        this.output = new NativeOutput(allocator, maxBytes);
        boolean opened = false;
        AVDictionary options = new AVDictionary(null);
        try {
            int result = avformat_alloc_output_context2(container, null, "mp4", null);
            if (result < 0 || container.isNull()) {
                throw new IllegalStateException("cannot make an mp4 muxer: " + FfmpegErrors.describe(result));
            }
            container.pb(output.context());
            container.flags(container.flags() | BITEXACT);
            AVStream videoStream = avformat_new_stream(container, null);
            check(avcodec_parameters_copy(videoStream.codecpar(), video), "video parameters");
            videoStream.time_base(videoTimeBase);
            if (audio != null) {
                AVStream audioStream = avformat_new_stream(container, null);
                check(avcodec_parameters_copy(audioStream.codecpar(), audio.parameters()), "audio parameters");
                audioStream.time_base(audio.timeBase());
            }
            av_dict_set(options, "use_editlist", "0", 0);
            check(avformat_write_header(container, options), "header");
            // The muxer may have picked other time bases (e.g. 15360 per second for video): packets are rescaled.
            for (int i = 0; i < container.nb_streams(); i++) {
                AVRational chosen = container.streams(i).time_base();
                timeBases[i] = av_make_q(chosen.num(), chosen.den());
            }
            opened = true;
        } finally {
            av_dict_free(options);
            if (!opened) {
                close();
            }
        }
    }

    /**
     * Writes one packet; its data is taken (the packet is left blank).
     *
     * @param stream   {@link #VIDEO} or {@link #AUDIO}
     * @param timeBase the time base of the packet's timestamps, each starting at 0 for this file
     * @throws MediaRejectedException TOO_MANY_BYTES when the file outgrows its cap
     */
    void write(int stream, AVPacket packet, AVRational timeBase) throws MediaRejectedException {
        packet.stream_index(stream);
        packet.pos(-1);
        av_packet_rescale_ts(packet, timeBase, timeBases[stream]);
        check(av_interleaved_write_frame(container, packet), "a packet");
    }

    /**
     * Ends the file.
     *
     * @return the MP4, {@code moov} first, readable from index 0; the caller releases it
     */
    ByteBuf finish() throws MediaRejectedException {
        check(av_write_trailer(container), "trailer");
        return MoovFirst.relocate(output.take(), allocator);
    }

    private void check(int result, String what) throws MediaRejectedException {
        if (result >= 0) {
            return;
        }
        if (output.overflowed()) {
            throw new MediaRejectedException(MediaProblem.TOO_MANY_BYTES, "a video segment outgrew its byte cap");
        }
        throw new MediaRejectedException(MediaProblem.CORRUPT, "cannot write the MP4 (" + what + "): " + FfmpegErrors.describe(result));
    }

    @Override
    public void close() {
        if (!container.isNull()) {
            container.pb(null); // ours: freed by the output
            avformat_free_context(container);
            container.setNull();
        }
        output.close();
    }
}
