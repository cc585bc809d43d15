/*
 * The C half of the OpenH264 probe (see README.md): encodes raw 720x1280 yuv420p frames with the system's
 * libopenh264 (Debian's, built with its assembly) using the parameters FFmpeg 8's libopenh264enc.c gives our
 * H264Encoder, and prints the process's CPU time from encoder creation to the last frame, and the bytes out.
 *
 *   gcc -O2 -o h264probe h264probe.c -lopenh264
 *   ./h264probe FRAMES.yuv THREADS RUNS OUT.h264 [quiet]
 *
 * All frames are read into memory first (stride 768 luma / 384 chroma: FFmpeg's own 64-byte line alignment, as
 * the filter graph hands frames to the encoder), so the timed part is the encoder alone. "quiet" drops OpenH264's
 * trace level to errors; without it the trace level is WELS_LOG_DETAIL with a callback that discards every message,
 * as libopenh264enc.c does (it forwards them to av_log, which drops them below FFmpeg's log level): OpenH264 then
 * formats each message before the callback sees it, a cost the in-process encoder pays too.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wels/codec_api.h>
#include <wels/codec_ver.h>

#define WIDTH 720
#define HEIGHT 1280
#define FPS 30
#define BITS_PER_SECOND 1500000 /* H264Encoder.bitsPerSecond for the WhatsApp rendition */
#define LUMA_STRIDE 768         /* FFALIGN(720, 64) */
#define CHROMA_STRIDE 384       /* FFALIGN(360, 64) */
#define AV_PROFILE_H264_CONSTRAINED_BASELINE 578 /* what libopenh264enc.c passes as uiProfileIdc by default */

static void discard(void *context, int level, const char *message) {
    (void) context;
    (void) level;
    (void) message;
}

static double process_cpu_ms(void) {
    struct timespec now;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return now.tv_sec * 1e3 + now.tv_nsec / 1e6;
}

static uint8_t **load(const char *path, int *count) {
    FILE *in = fopen(path, "rb");
    if (!in) {
        perror(path);
        exit(1);
    }
    fseek(in, 0, SEEK_END);
    long frame_bytes = WIDTH * HEIGHT * 3 / 2;
    *count = (int) (ftell(in) / frame_bytes);
    fseek(in, 0, SEEK_SET);
    uint8_t **frames = calloc(*count, sizeof *frames);
    for (int i = 0; i < *count; i++) {
        uint8_t *frame = aligned_alloc(64, LUMA_STRIDE * HEIGHT + 2 * CHROMA_STRIDE * (HEIGHT / 2));
        uint8_t *plane = frame;
        for (int y = 0; y < HEIGHT; y++, plane += LUMA_STRIDE) {
            if (fread(plane, 1, WIDTH, in) != WIDTH) exit(2);
        }
        for (int p = 0; p < 2; p++) {
            for (int y = 0; y < HEIGHT / 2; y++, plane += CHROMA_STRIDE) {
                if (fread(plane, 1, WIDTH / 2, in) != WIDTH / 2) exit(2);
            }
        }
        frames[i] = frame;
    }
    fclose(in);
    return frames;
}

/* The parameters of FFmpeg 8's svc_encode_init for our H264Encoder's AVCodecContext and options. */
static void parameters(ISVCEncoder *encoder, SEncParamExt *param, int threads) {
    (*encoder)->GetDefaultParams(encoder, param);
    param->fMaxFrameRate = FPS;                       /* avctx->framerate 30/1 */
    param->iPicWidth = WIDTH;
    param->iPicHeight = HEIGHT;
    param->iTargetBitrate = BITS_PER_SECOND;          /* bit_rate */
    param->iMaxBitrate = BITS_PER_SECOND;             /* FFMAX(rc_max_rate, bit_rate) */
    param->iRCMode = RC_BITRATE_MODE;                 /* rc_mode=bitrate; qmin/qmax default -1: OpenH264's own */
    param->iTemporalLayerNum = 1;
    param->iSpatialLayerNum = 1;
    param->bEnableDenoise = 0;
    param->bEnableBackgroundDetection = 1;
    param->bEnableAdaptiveQuant = 1;
    param->bEnableFrameSkip = 0;                      /* allow_skip_frames=0 */
    param->bEnableLongTermReference = 0;
    param->iLtrMarkPeriod = 30;
    param->uiIntraPeriod = 2 * FPS;                   /* gop_size 60 */
    param->eSpsPpsIdStrategy = CONSTANT_ID;
    param->bPrefixNalAddingCtrl = 0;
    param->iLoopFilterDisableIdc = 0;                 /* loopfilter=1 */
    param->iEntropyCodingModeFlag = 0;                /* no profile, no coder: constrained baseline, CAVLC */
    param->iMultipleThreadIdc = threads;              /* thread_count */
    SSpatialLayerConfig *layer = &param->sSpatialLayers[0];
    layer->iVideoWidth = WIDTH;
    layer->iVideoHeight = HEIGHT;
    layer->fFrameRate = FPS;
    layer->iSpatialBitrate = BITS_PER_SECOND;
    layer->iMaxSpatialBitrate = BITS_PER_SECOND;
    layer->uiProfileIdc = (EProfileIdc) AV_PROFILE_H264_CONSTRAINED_BASELINE;
    layer->eAspectRatio = ASP_1x1;                    /* sample_aspect_ratio 1/1 */
    layer->bAspectRatioPresent = true;
    /* slices = threads: FFmpeg sets SM_FIXEDSLCNUM_SLICE above 1, else its context's 0 (SM_SINGLE_SLICE) */
    layer->sSliceArgument.uiSliceMode = threads > 1 ? SM_FIXEDSLCNUM_SLICE : SM_SINGLE_SLICE;
    layer->sSliceArgument.uiSliceNum = threads;
    layer->uiVideoFormat = VF_UNDEF;
    layer->bFullRange = false;                        /* color_range MPEG; colours unspecified */
    layer->bVideoSignalTypePresent = false;
}

int main(int argc, char **argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: %s FRAMES.yuv THREADS RUNS OUT.h264 [quiet]\n", argv[0]);
        return 1;
    }
    int threads = atoi(argv[2]);
    int runs = atoi(argv[3]);
    int quiet = argc > 5 && strcmp(argv[5], "quiet") == 0;
    int count;
    uint8_t **frames = load(argv[1], &count);
    OpenH264Version version = WelsGetCodecVersion();
    fprintf(stderr, "libopenh264 %u.%u.%u, %d frames, %d threads%s\n", version.uMajor, version.uMinor, version.uRevision, count,
            threads, quiet ? ", trace level error" : "");

    for (int run = 1; run <= runs; run++) {
        FILE *out = fopen(argv[4], "wb");
        double started = process_cpu_ms();
        ISVCEncoder *encoder;
        if (WelsCreateSVCEncoder(&encoder)) return 3;
        int level = quiet ? WELS_LOG_ERROR : WELS_LOG_DETAIL;
        (*encoder)->SetOption(encoder, ENCODER_OPTION_TRACE_LEVEL, &level);
        WelsTraceCallback callback = discard;
        (*encoder)->SetOption(encoder, ENCODER_OPTION_TRACE_CALLBACK, &callback);
        SEncParamExt param;
        memset(&param, 0, sizeof param);
        parameters(encoder, &param, threads);
        if ((*encoder)->InitializeExt(encoder, &param) != cmResultSuccess) {
            fprintf(stderr, "InitializeExt failed\n");
            return 4;
        }
        long bytes = 0;
        for (int i = 0; i < count; i++) {
            SSourcePicture picture;
            memset(&picture, 0, sizeof picture); /* uiTimeStamp 0, as libopenh264enc.c leaves it */
            picture.iColorFormat = videoFormatI420;
            picture.iPicWidth = WIDTH;
            picture.iPicHeight = HEIGHT;
            picture.iStride[0] = LUMA_STRIDE;
            picture.iStride[1] = picture.iStride[2] = CHROMA_STRIDE;
            picture.pData[0] = frames[i];
            picture.pData[1] = frames[i] + LUMA_STRIDE * HEIGHT;
            picture.pData[2] = picture.pData[1] + CHROMA_STRIDE * (HEIGHT / 2);
            SFrameBSInfo info;
            memset(&info, 0, sizeof info);
            if ((*encoder)->EncodeFrame(encoder, &picture, &info) != cmResultSuccess) {
                fprintf(stderr, "EncodeFrame failed at %d\n", i);
                return 5;
            }
            if (info.eFrameType == videoFrameTypeSkip) {
                fprintf(stderr, "frame %d skipped\n", i);
                continue;
            }
            /* Every layer, the SPS/PPS of IDR pictures included: an Annex B stream that decodes on its own. */
            for (int l = 0; l < info.iLayerNum; l++) {
                int size = 0;
                for (int n = 0; n < info.sLayerInfo[l].iNalCount; n++) size += info.sLayerInfo[l].pNalLengthInByte[n];
                fwrite(info.sLayerInfo[l].pBsBuf, 1, size, out);
                bytes += size;
            }
        }
        double cpu = process_cpu_ms() - started;
        (*encoder)->Uninitialize(encoder);
        WelsDestroySVCEncoder(encoder);
        fclose(out);
        printf("system threads=%d run=%d frames=%d bytes=%ld cpu_ms=%.1f\n", threads, run, count, bytes, cpu);
        fflush(stdout);
    }
    return 0;
}
