package io.storycast.media.openh264;

/**
 * The binary interface of {@code libopenh264.so.7} on x86-64 Linux that {@link OpenH264Encoder} uses: byte
 * offsets of the fields it sets or reads in OpenH264's C structs ({@code SEncParamExt}, its first
 * {@code SSpatialLayerConfig}, {@code SSourcePicture}, {@code SFrameBSInfo}, {@code SLayerBSInfo}), the struct
 * sizes, the byte offsets of the {@code ISVCEncoderVtbl} entries, and the enum values it passes.
 *
 * <p>Why hand-written numbers and not a generated binding: a generated one needs a C compiler at build time,
 * and the README's build needs nothing but a JDK and Maven. The numbers are those of OpenH264 2.3.1's headers
 * (Debian bookworm's {@code libopenh264-dev}), and {@code OpenH264AbiTest} (the {@code with-media-tools}
 * profile) compiles {@code openh264/abi.c} against the installed headers and fails if any of them differs,
 * name for name. At run time {@link OpenH264Library} also checks the defaults {@code GetDefaultParams} writes
 * at these offsets before it trusts a library (a layout fingerprint), since a library of another version
 * could change the structs without changing its soname.
 *
 * <p>Names are the C names in upper case: {@code LAYER_*} offsets are into {@code SEncParamExt} through
 * {@code sSpatialLayers[0]}, {@code PARAM_*} into {@code SEncParamExt}, {@code PICTURE_*} into
 * {@code SSourcePicture}, {@code FRAME_INFO_*} into {@code SFrameBSInfo}, {@code LAYER_INFO_*} into
 * {@code SLayerBSInfo}, {@code VTABLE_*} into the encoder's function table (8 bytes a function).
 */
final class OpenH264Abi {
    static final int PARAM_SIZE = 920;
    static final int PARAM_USAGE_TYPE = 0;
    static final int PARAM_PIC_WIDTH = 4;
    static final int PARAM_PIC_HEIGHT = 8;
    static final int PARAM_TARGET_BITRATE = 12;
    static final int PARAM_RC_MODE = 16;
    static final int PARAM_MAX_FRAME_RATE = 20;
    static final int PARAM_TEMPORAL_LAYER_NUM = 24;
    static final int PARAM_SPATIAL_LAYER_NUM = 28;
    static final int LAYER_VIDEO_WIDTH = 32;
    static final int LAYER_VIDEO_HEIGHT = 36;
    static final int LAYER_FRAME_RATE = 40;
    static final int LAYER_SPATIAL_BITRATE = 44;
    static final int LAYER_MAX_SPATIAL_BITRATE = 48;
    static final int LAYER_PROFILE_IDC = 52;
    static final int LAYER_SLICE_MODE = 64;
    static final int LAYER_SLICE_NUM = 68;
    static final int LAYER_VIDEO_SIGNAL_TYPE_PRESENT = 216;
    static final int LAYER_VIDEO_FORMAT = 217;
    static final int LAYER_FULL_RANGE = 218;
    static final int LAYER_COLOR_DESCRIPTION_PRESENT = 219;
    static final int LAYER_COLOR_PRIMARIES = 220;
    static final int LAYER_TRANSFER_CHARACTERISTICS = 221;
    static final int LAYER_COLOR_MATRIX = 222;
    static final int LAYER_ASPECT_RATIO_PRESENT = 223;
    static final int LAYER_ASPECT_RATIO = 224;
    static final int PARAM_INTRA_PERIOD = 836;
    static final int PARAM_SPS_PPS_ID_STRATEGY = 844;
    static final int PARAM_PREFIX_NAL_ADDING_CTRL = 848;
    static final int PARAM_ENTROPY_CODING_MODE_FLAG = 856;
    static final int PARAM_ENABLE_FRAME_SKIP = 860;
    static final int PARAM_MAX_BITRATE = 864;
    static final int PARAM_MAX_QP = 868;
    static final int PARAM_MIN_QP = 872;
    static final int PARAM_ENABLE_LONG_TERM_REFERENCE = 880;
    static final int PARAM_LTR_MARK_PERIOD = 888;
    static final int PARAM_MULTIPLE_THREAD_IDC = 892;
    static final int PARAM_LOOP_FILTER_DISABLE_IDC = 896;
    static final int PARAM_ENABLE_DENOISE = 908;
    static final int PARAM_ENABLE_BACKGROUND_DETECTION = 909;
    static final int PARAM_ENABLE_ADAPTIVE_QUANT = 910;
    static final int PARAM_IDR_BITRATE_RATIO = 916;
    static final int PICTURE_SIZE = 72;
    static final int PICTURE_COLOR_FORMAT = 0;
    static final int PICTURE_STRIDE = 4;
    static final int PICTURE_DATA = 24;
    static final int PICTURE_WIDTH = 56;
    static final int PICTURE_HEIGHT = 60;
    static final int PICTURE_TIME_STAMP = 64;
    static final int FRAME_INFO_SIZE = 5144;
    static final int FRAME_INFO_LAYER_NUM = 0;
    static final int FRAME_INFO_LAYERS = 8;
    static final int FRAME_INFO_FRAME_TYPE = 5128;
    static final int LAYER_INFO_SIZE = 40;
    static final int LAYER_INFO_NAL_COUNT = 16;
    static final int LAYER_INFO_NAL_LENGTHS = 24;
    static final int LAYER_INFO_BITSTREAM = 32;
    static final int MAX_LAYER_NUM_OF_FRAME = 128;
    static final int VTABLE_INITIALIZE_EXT = 8;
    static final int VTABLE_GET_DEFAULT_PARAMS = 16;
    static final int VTABLE_UNINITIALIZE = 24;
    static final int VTABLE_ENCODE_FRAME = 32;
    static final int VTABLE_ENCODE_PARAMETER_SETS = 40;
    static final int VTABLE_SET_OPTION = 56;
    static final int ENCODER_OPTION_TRACE_LEVEL = 25;
    static final int WELS_LOG_QUIET = 0;
    static final int VIDEO_FORMAT_I420 = 23;
    static final int VIDEO_FRAME_TYPE_IDR = 1;
    static final int VIDEO_FRAME_TYPE_SKIP = 4;
    static final int VIDEO_FRAME_TYPE_INVALID = 0;
    static final int RC_BITRATE_MODE = 1;
    static final int CONSTANT_ID = 0;
    static final int SM_SINGLE_SLICE = 0;
    static final int SM_FIXEDSLCNUM_SLICE = 1;
    static final int ASP_1X1 = 1;
    static final int VF_UNDEF = 5;
    static final int CM_RESULT_SUCCESS = 0;
    static final int PRO_BASELINE = 66;

    private OpenH264Abi() {
    }
}
