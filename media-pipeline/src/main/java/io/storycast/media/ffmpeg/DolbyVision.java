package io.storycast.media.ffmpeg;

import io.storycast.media.MediaRejectedException;
import io.storycast.media.probe.DolbyVisionConfig;
import io.storycast.media.probe.UploadCheck;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacketSideData;
import org.bytedeco.javacpp.BytePointer;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_DATA_DOVI_CONF;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_side_data_get;

/**
 * Refuses, from the header and before any frame is decoded, a Dolby Vision video whose pictures only show the
 * right colours through Dolby Vision processing ({@link DolbyVisionConfig#playsWithoutDolbyVision()}: profile 5
 * and the like), as FFmpeg's {@code mov} demuxer reads the record: the {@code AVDOVIDecoderConfigurationRecord}
 * it makes from the sample entry's {@code dvcC}, {@code dvvC} or {@code dvwC} box. {@link UploadCheck} reads the
 * same box from the bytes first; this is the check of what the decoder will actually be given. JavaCPP maps no
 * struct for the record: it is one byte per field, read here by offset (FFmpeg only ever appends fields to it).
 */
final class DolbyVision {
    /** Offsets in {@code AVDOVIDecoderConfigurationRecord} (libavutil/dovi_meta.h), one {@code uint8_t} each. */
    private static final int PROFILE = 2;
    private static final int BL_PRESENT = 6;
    private static final int COMPATIBILITY = 7;
    private static final int RECORD_BYTES = COMPATIBILITY + 1;

    private DolbyVision() {
    }

    /**
     * @throws MediaRejectedException UNSUPPORTED_TYPE for a Dolby Vision stream without a base layer that plays
     *                                on its own
     */
    static void check(AVCodecParameters video) throws MediaRejectedException {
        AVPacketSideData record = av_packet_side_data_get(video.coded_side_data(), video.nb_coded_side_data(), AV_PKT_DATA_DOVI_CONF);
        if (record == null || record.isNull() || record.size() < RECORD_BYTES) {
            return;
        }
        BytePointer bytes = new BytePointer(record.data()).capacity(record.size());
        new DolbyVisionConfig(Byte.toUnsignedInt(bytes.get(PROFILE)), Byte.toUnsignedInt(bytes.get(COMPATIBILITY)),
                bytes.get(BL_PRESENT) != 0).requirePlayable();
    }
}
