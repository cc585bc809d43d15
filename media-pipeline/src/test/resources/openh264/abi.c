/*
 * OpenH264AbiTest compiles this against the installed OpenH264 headers (Debian's libopenh264-dev) and compares
 * every NAME=value line it prints with the constant of the same name in OpenH264Abi, and the other way round.
 * The names are the C names in upper case; see OpenH264Abi for what each kind of name is an offset into.
 */
#include <stddef.h>
#include <stdio.h>
#include <wels/codec_api.h>
#define P(name, value) printf("%s=%ld\n", name, (long) (value))
#define LAYER(field) offsetof(SEncParamExt, sSpatialLayers[0].field)
int main(void) {
  P("PARAM_SIZE", sizeof(SEncParamExt));
  P("PARAM_USAGE_TYPE", offsetof(SEncParamExt, iUsageType));
  P("PARAM_PIC_WIDTH", offsetof(SEncParamExt, iPicWidth));
  P("PARAM_PIC_HEIGHT", offsetof(SEncParamExt, iPicHeight));
  P("PARAM_TARGET_BITRATE", offsetof(SEncParamExt, iTargetBitrate));
  P("PARAM_RC_MODE", offsetof(SEncParamExt, iRCMode));
  P("PARAM_MAX_FRAME_RATE", offsetof(SEncParamExt, fMaxFrameRate));
  P("PARAM_TEMPORAL_LAYER_NUM", offsetof(SEncParamExt, iTemporalLayerNum));
  P("PARAM_SPATIAL_LAYER_NUM", offsetof(SEncParamExt, iSpatialLayerNum));
  P("LAYER_VIDEO_WIDTH", LAYER(iVideoWidth));
  P("LAYER_VIDEO_HEIGHT", LAYER(iVideoHeight));
  P("LAYER_FRAME_RATE", LAYER(fFrameRate));
  P("LAYER_SPATIAL_BITRATE", LAYER(iSpatialBitrate));
  P("LAYER_MAX_SPATIAL_BITRATE", LAYER(iMaxSpatialBitrate));
  P("LAYER_PROFILE_IDC", LAYER(uiProfileIdc));
  P("LAYER_SLICE_MODE", LAYER(sSliceArgument.uiSliceMode));
  P("LAYER_SLICE_NUM", LAYER(sSliceArgument.uiSliceNum));
  P("LAYER_VIDEO_SIGNAL_TYPE_PRESENT", LAYER(bVideoSignalTypePresent));
  P("LAYER_VIDEO_FORMAT", LAYER(uiVideoFormat));
  P("LAYER_FULL_RANGE", LAYER(bFullRange));
  P("LAYER_COLOR_DESCRIPTION_PRESENT", LAYER(bColorDescriptionPresent));
  P("LAYER_COLOR_PRIMARIES", LAYER(uiColorPrimaries));
  P("LAYER_TRANSFER_CHARACTERISTICS", LAYER(uiTransferCharacteristics));
  P("LAYER_COLOR_MATRIX", LAYER(uiColorMatrix));
  P("LAYER_ASPECT_RATIO_PRESENT", LAYER(bAspectRatioPresent));
  P("LAYER_ASPECT_RATIO", LAYER(eAspectRatio));
  P("PARAM_INTRA_PERIOD", offsetof(SEncParamExt, uiIntraPeriod));
  P("PARAM_SPS_PPS_ID_STRATEGY", offsetof(SEncParamExt, eSpsPpsIdStrategy));
  P("PARAM_PREFIX_NAL_ADDING_CTRL", offsetof(SEncParamExt, bPrefixNalAddingCtrl));
  P("PARAM_ENTROPY_CODING_MODE_FLAG", offsetof(SEncParamExt, iEntropyCodingModeFlag));
  P("PARAM_ENABLE_FRAME_SKIP", offsetof(SEncParamExt, bEnableFrameSkip));
  P("PARAM_MAX_BITRATE", offsetof(SEncParamExt, iMaxBitrate));
  P("PARAM_MAX_QP", offsetof(SEncParamExt, iMaxQp));
  P("PARAM_MIN_QP", offsetof(SEncParamExt, iMinQp));
  P("PARAM_ENABLE_LONG_TERM_REFERENCE", offsetof(SEncParamExt, bEnableLongTermReference));
  P("PARAM_LTR_MARK_PERIOD", offsetof(SEncParamExt, iLtrMarkPeriod));
  P("PARAM_MULTIPLE_THREAD_IDC", offsetof(SEncParamExt, iMultipleThreadIdc));
  P("PARAM_LOOP_FILTER_DISABLE_IDC", offsetof(SEncParamExt, iLoopFilterDisableIdc));
  P("PARAM_ENABLE_DENOISE", offsetof(SEncParamExt, bEnableDenoise));
  P("PARAM_ENABLE_BACKGROUND_DETECTION", offsetof(SEncParamExt, bEnableBackgroundDetection));
  P("PARAM_ENABLE_ADAPTIVE_QUANT", offsetof(SEncParamExt, bEnableAdaptiveQuant));
  P("PARAM_IDR_BITRATE_RATIO", offsetof(SEncParamExt, iIdrBitrateRatio));
  P("PICTURE_SIZE", sizeof(SSourcePicture));
  P("PICTURE_COLOR_FORMAT", offsetof(SSourcePicture, iColorFormat));
  P("PICTURE_STRIDE", offsetof(SSourcePicture, iStride));
  P("PICTURE_DATA", offsetof(SSourcePicture, pData));
  P("PICTURE_WIDTH", offsetof(SSourcePicture, iPicWidth));
  P("PICTURE_HEIGHT", offsetof(SSourcePicture, iPicHeight));
  P("PICTURE_TIME_STAMP", offsetof(SSourcePicture, uiTimeStamp));
  P("FRAME_INFO_SIZE", sizeof(SFrameBSInfo));
  P("FRAME_INFO_LAYER_NUM", offsetof(SFrameBSInfo, iLayerNum));
  P("FRAME_INFO_LAYERS", offsetof(SFrameBSInfo, sLayerInfo));
  P("FRAME_INFO_FRAME_TYPE", offsetof(SFrameBSInfo, eFrameType));
  P("LAYER_INFO_SIZE", sizeof(SLayerBSInfo));
  P("LAYER_INFO_NAL_COUNT", offsetof(SLayerBSInfo, iNalCount));
  P("LAYER_INFO_NAL_LENGTHS", offsetof(SLayerBSInfo, pNalLengthInByte));
  P("LAYER_INFO_BITSTREAM", offsetof(SLayerBSInfo, pBsBuf));
  P("MAX_LAYER_NUM_OF_FRAME", MAX_LAYER_NUM_OF_FRAME);
  P("VTABLE_INITIALIZE_EXT", offsetof(ISVCEncoderVtbl, InitializeExt));
  P("VTABLE_GET_DEFAULT_PARAMS", offsetof(ISVCEncoderVtbl, GetDefaultParams));
  P("VTABLE_UNINITIALIZE", offsetof(ISVCEncoderVtbl, Uninitialize));
  P("VTABLE_ENCODE_FRAME", offsetof(ISVCEncoderVtbl, EncodeFrame));
  P("VTABLE_ENCODE_PARAMETER_SETS", offsetof(ISVCEncoderVtbl, EncodeParameterSets));
  P("VTABLE_SET_OPTION", offsetof(ISVCEncoderVtbl, SetOption));
  P("ENCODER_OPTION_TRACE_LEVEL", ENCODER_OPTION_TRACE_LEVEL);
  P("WELS_LOG_QUIET", WELS_LOG_QUIET);
  P("VIDEO_FORMAT_I420", videoFormatI420);
  P("VIDEO_FRAME_TYPE_IDR", videoFrameTypeIDR);
  P("VIDEO_FRAME_TYPE_SKIP", videoFrameTypeSkip);
  P("VIDEO_FRAME_TYPE_INVALID", videoFrameTypeInvalid);
  P("RC_BITRATE_MODE", RC_BITRATE_MODE);
  P("CONSTANT_ID", CONSTANT_ID);
  P("SM_SINGLE_SLICE", SM_SINGLE_SLICE);
  P("SM_FIXEDSLCNUM_SLICE", SM_FIXEDSLCNUM_SLICE);
  P("ASP_1X1", ASP_1x1);
  P("VF_UNDEF", VF_UNDEF);
  P("CM_RESULT_SUCCESS", cmResultSuccess);
  P("PRO_BASELINE", PRO_BASELINE);
  return 0;
}
