package io.storycast.media.openh264;

import com.sun.jna.Memory;

import static io.storycast.media.openh264.OpenH264Abi.*;

/**
 * Fills an {@code SEncParamExt} (already holding {@code GetDefaultParams}'s defaults) as FFmpeg 8's
 * {@code libavcodec/libopenh264enc.c} ({@code svc_encode_init}) fills it for the transcoder's H.264 encoder
 * context and options ({@code rc_mode=bitrate}, {@code allow_skip_frames=0}, no profile or coder chosen,
 * {@code qmin}/{@code qmax} left at -1, one slice per thread, SAR 1:1, limited colour range): the two
 * encoders then make the same decisions on the same pictures, as {@code bench/openh264-probe} measured.
 * FFmpeg's source is the reference, field by field; where this differs, it says why. What differs in the stream
 * is OpenH264's version (Debian's 2.3.1 writes {@code pic_order_cnt_type} 0, the FFmpeg build's newer one 2).
 */
final class OpenH264Parameters {
    private OpenH264Parameters() {
    }

    static void write(OpenH264Settings settings, Memory parameters) {
        parameters.setFloat(PARAM_MAX_FRAME_RATE, settings.framesPerSecond());
        parameters.setInt(PARAM_PIC_WIDTH, settings.width());
        parameters.setInt(PARAM_PIC_HEIGHT, settings.height());
        parameters.setInt(PARAM_TARGET_BITRATE, settings.bitsPerSecond());
        parameters.setInt(PARAM_MAX_BITRATE, settings.maxBitsPerSecond());
        parameters.setInt(PARAM_RC_MODE, RC_BITRATE_MODE);
        // qmin/qmax -1 in FFmpeg: OpenH264's own QP range stays.
        parameters.setInt(PARAM_TEMPORAL_LAYER_NUM, 1);
        parameters.setInt(PARAM_SPATIAL_LAYER_NUM, 1);
        parameters.setByte(PARAM_ENABLE_DENOISE, (byte) 0);
        parameters.setByte(PARAM_ENABLE_BACKGROUND_DETECTION, (byte) 1);
        parameters.setByte(PARAM_ENABLE_ADAPTIVE_QUANT, (byte) 1);
        parameters.setByte(PARAM_ENABLE_FRAME_SKIP, (byte) 0);
        parameters.setByte(PARAM_ENABLE_LONG_TERM_REFERENCE, (byte) 0);
        parameters.setInt(PARAM_LTR_MARK_PERIOD, 30);
        parameters.setInt(PARAM_INTRA_PERIOD, settings.intraPeriodFrames());
        parameters.setInt(PARAM_SPS_PPS_ID_STRATEGY, CONSTANT_ID);
        parameters.setByte(PARAM_PREFIX_NAL_ADDING_CTRL, (byte) 0);
        parameters.setInt(PARAM_LOOP_FILTER_DISABLE_IDC, 0);
        parameters.setInt(PARAM_ENTROPY_CODING_MODE_FLAG, 0); // CAVLC: constrained baseline
        parameters.setShort(PARAM_MULTIPLE_THREAD_IDC, (short) settings.threads());

        parameters.setInt(LAYER_VIDEO_WIDTH, settings.width());
        parameters.setInt(LAYER_VIDEO_HEIGHT, settings.height());
        parameters.setFloat(LAYER_FRAME_RATE, settings.framesPerSecond());
        parameters.setInt(LAYER_SPATIAL_BITRATE, settings.bitsPerSecond());
        parameters.setInt(LAYER_MAX_SPATIAL_BITRATE, settings.maxBitsPerSecond());
        // FFmpeg 8 passes its own code for constrained baseline (578), not one of OpenH264's profiles; with
        // CAVLC OpenH264 writes baseline either way. This names OpenH264's baseline directly.
        parameters.setInt(LAYER_PROFILE_IDC, PRO_BASELINE);
        parameters.setInt(LAYER_ASPECT_RATIO, ASP_1X1);
        parameters.setByte(LAYER_ASPECT_RATIO_PRESENT, (byte) 1);
        // One slice per thread: OpenH264 works in parallel on slices only.
        parameters.setInt(LAYER_SLICE_MODE, settings.threads() > 1 ? SM_FIXEDSLCNUM_SLICE : SM_SINGLE_SLICE);
        parameters.setInt(LAYER_SLICE_NUM, settings.threads() > 1 ? settings.threads() : 0);
        parameters.setByte(LAYER_VIDEO_FORMAT, (byte) VF_UNDEF);
        // FFmpeg 8 writes the video signal type only for full range or a colour description: limited range
        // (ours, always) is what a decoder assumes without it.
        parameters.setByte(LAYER_FULL_RANGE, (byte) 0);
        parameters.setByte(LAYER_VIDEO_SIGNAL_TYPE_PRESENT, (byte) (settings.describesColour() ? 1 : 0));
        if (settings.describesColour()) {
            parameters.setByte(LAYER_COLOR_DESCRIPTION_PRESENT, (byte) 1);
            if (settings.colourPrimaries() != OpenH264Settings.UNSPECIFIED) {
                parameters.setByte(LAYER_COLOR_PRIMARIES, (byte) settings.colourPrimaries());
            }
            if (settings.transfer() != OpenH264Settings.UNSPECIFIED) {
                parameters.setByte(LAYER_TRANSFER_CHARACTERISTICS, (byte) settings.transfer());
            }
            if (settings.matrix() != OpenH264Settings.UNSPECIFIED) {
                parameters.setByte(LAYER_COLOR_MATRIX, (byte) settings.matrix());
            }
        }
    }
}
