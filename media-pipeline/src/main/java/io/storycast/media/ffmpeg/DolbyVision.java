package io.storycast.media.ffmpeg;

import io.storycast.media.MediaProblem;
import io.storycast.media.MediaRejectedException;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacketSideData;
import org.bytedeco.javacpp.BytePointer;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_DATA_DOVI_CONF;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_side_data_get;

/**
 * Refuses, from the header and before any frame is decoded, a Dolby Vision video whose pictures only show the
 * right colours through Dolby Vision processing: profile 5 (and the older non-backward-compatible 1 and 3), and
 * profile 8 or 10 with signal compatibility 0. Their base layer is coded in Dolby's IPTPQc2 space with no
 * colour tags, so decoded as plain HEVC (or AV1) it comes out green and purple. Converting it needs the
 * reshaping and colour matrices of its RPU metadata, which only libplacebo applies in FFmpeg, and the LGPL
 * JavaCPP build has no libplacebo.
 *
 * <p>Every other Dolby Vision stream has a base layer that stands on its own, tagged as it is, and goes through
 * the usual colour path ({@link ColourConversion}): profile 8.1 (HDR10 base), 8.2 (SDR), 8.4 (HLG), 7 (HDR10
 * base of a dual-layer stream), 9 (AVC, SDR), 10.1, 10.2 and 10.4; its Dolby Vision metadata is dropped.
 *
 * <p>The record is FFmpeg's {@code AVDOVIDecoderConfigurationRecord}, which the {@code mov} demuxer makes from
 * the sample entry's {@code dvcC}, {@code dvvC} or {@code dvwC} box. JavaCPP maps no struct for it: it is one
 * byte per field, read here by offset (FFmpeg only ever appends fields to it).
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
        int profile = Byte.toUnsignedInt(bytes.get(PROFILE));
        int compatibility = Byte.toUnsignedInt(bytes.get(COMPATIBILITY));
        boolean baseLayer = bytes.get(BL_PRESENT) != 0;
        if (!playsWithoutDolbyVision(profile, compatibility, baseLayer)) {
            throw new MediaRejectedException(MediaProblem.UNSUPPORTED_TYPE, "Dolby Vision profile " + profile
                    + " with signal compatibility " + compatibility + " is not supported: its pictures have no HDR10, HLG or"
                    + " SDR base layer, so their colours need Dolby Vision processing, which this FFmpeg build lacks;"
                    + " export the video as HDR10, HLG or SDR (profile 8.1, 8.4 or 8.2 plays too)");
        }
    }

    /**
     * @param profile       {@code dv_profile}, 0 to 127
     * @param compatibility {@code dv_bl_signal_compatibility_id}: 0 none, 1 HDR10, 2 SDR, 4 HLG, 6 Blu-ray HDR10
     * @param baseLayer     {@code bl_present_flag}
     * @return whether the stream's base layer shows right when decoded as what its codec and colour tags say
     */
    static boolean playsWithoutDolbyVision(int profile, int compatibility, boolean baseLayer) {
        if (!baseLayer) {
            return false; // an enhancement layer alone is no picture
        }
        return switch (profile) {
            case 1, 3, 5 -> false; // non-backward-compatible by definition
            case 0, 2, 4, 6, 7, 9 -> true; // their base layer is SDR or HDR10 whatever the field says (older records leave it 0)
            default -> compatibility != 0; // 8, 10 and later: the field tells
        };
    }
}
