package io.storycast.media.ffmpeg;

import io.storycast.media.MediaRejectedException;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;

/**
 * The H.264 encoder of one segment of one rendition, as {@link H264Encoders} makes it: FFmpeg's
 * {@code libopenh264} ({@link BundledH264Encoder}) or a system OpenH264 ({@link SystemH264Encoder}). Both make
 * the same stream: constrained baseline, the rendition's bit rate with its byte cap as the ceiling, one
 * output picture per input picture, an IDR picture first and then every {@code framesPerSecond * gopSeconds}
 * pictures (closed GOPs), no B-frames (packets in presentation order, {@code dts == pts}), SPS and PPS in the
 * codec parameters (Annex B; the MP4 muxer turns them into {@code avcC}) and Annex B packets.
 *
 * <p>Ownership: the encoder owns its parameters; {@link #close()} frees everything.
 */
interface VideoEncoder extends AutoCloseable {
    /** @return the track's codec parameters (size, colours, SPS/PPS), valid until {@link #close()} */
    AVCodecParameters parameters();

    /** @return the packets' time base: one tick a frame */
    AVRational timeBase();

    /**
     * @param frame a 4:2:0 frame of the rendition's size with {@code pts} the frame number in the segment,
     *              or null to flush the encoder at the end of the segment
     * @param sink  receives each packet made, with {@code pts}, {@code dts}, {@code duration} (1) and the key
     *              flag set; unref'd after the sink returns
     */
    void encode(AVFrame frame, PacketSink sink) throws MediaRejectedException;

    @Override
    void close();
}
