package io.storycast.media.ffmpeg;

import io.storycast.media.MediaProblem;
import io.storycast.media.MediaRejectedException;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacketSideData;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVContentLightMetadata;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVFrameSideData;
import org.bytedeco.ffmpeg.avutil.AVMasteringDisplayMetadata;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

import java.util.Locale;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_DATA_CONTENT_LIGHT_LEVEL;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_DATA_MASTERING_DISPLAY_METADATA;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_side_data_get;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_get_by_name;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_PRI_BT2020;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_PRI_UNSPECIFIED;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_RANGE_MPEG;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_RANGE_UNSPECIFIED;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_SPC_BT2020_NCL;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_SPC_UNSPECIFIED;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_TRC_ARIB_STD_B67;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_TRC_BT2020_10;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_TRC_SMPTE2084;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_TRC_UNSPECIFIED;
import static org.bytedeco.ffmpeg.global.avutil.AV_FRAME_DATA_CONTENT_LIGHT_LEVEL;
import static org.bytedeco.ffmpeg.global.avutil.AV_FRAME_DATA_MASTERING_DISPLAY_METADATA;
import static org.bytedeco.ffmpeg.global.avutil.av_color_primaries_name;
import static org.bytedeco.ffmpeg.global.avutil.av_color_range_name;
import static org.bytedeco.ffmpeg.global.avutil.av_color_space_name;
import static org.bytedeco.ffmpeg.global.avutil.av_color_transfer_name;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_side_data;

/**
 * Brings wide-gamut and HDR video to what the H.264 renditions are: 8-bit BT.709 SDR. Nothing for BT.709 or
 * BT.601 sources (the common path is left as it was); for HDR (PQ, as HDR10 has it, or HLG, as phones record
 * it) a tone mapping through linear light with libzimg's {@code zscale} and FFmpeg's {@code tonemap}; for
 * BT.2020 SDR a conversion of primaries and transfer with {@code zscale}.
 *
 * <pre>setparams=(the source's colour),zscale=t=linear:p=bt709:npl=203,format=gbrpf32le,
 *     tonemap=tonemap=mobius:desat=0:peak=P/203,zscale=t=bt709:m=bt709:r=tv</pre>
 *
 * <p>The first {@code zscale} turns the pictures into linear light in BT.709's primaries, 1.0 being 203 nits,
 * HDR's reference white (ITU-R BT.2408), so that graphics white lands near SDR white; Möbius keeps what
 * lies below 30% of that as it is and rolls off the rest into SDR's range, the peak {@code P} being the
 * content's (MaxCLL, else the mastering display's maximum, else 1000 nits; HLG's nominal 1000 nits); the last
 * {@code zscale} applies BT.709's transfer and matrix, limited range. Light above the peak and colours
 * outside BT.709 are clipped. {@code setparams} first states the source's colour (from the frame, else the
 * container) so that {@code zscale} never has to guess. The cost is per output pixel (the conversion runs
 * after the scale), and it is heavy: a one-off timing (not a benchmark in {@code bench/} yet) put it above the
 * H.264 encoding of the same frame.
 *
 * <p>A source that needs a conversion this FFmpeg build cannot make (no {@code zscale} or {@code tonemap}) is
 * refused: {@code UNSUPPORTED_TYPE}, naming what it is.
 */
final class ColourConversion {
    /** HDR's reference white, in nits (ITU-R BT.2408): linear 1.0 in the tone mapping. */
    static final double REFERENCE_WHITE_NITS = 203;
    /** The peak assumed when the source does not say: what HDR10 is usually mastered to, and HLG's nominal peak. */
    static final double DEFAULT_PEAK_NITS = 1000;

    private ColourConversion() {
    }

    /**
     * @param first  the first decoded picture (its colour properties and HDR side data)
     * @param stream its stream (the container's colour properties and side data, when the picture lacks them)
     * @return the filters that bring the pictures to BT.709 SDR, to run after scaling; empty when none are needed
     * @throws MediaRejectedException UNSUPPORTED_TYPE when this FFmpeg build lacks a filter the conversion needs
     */
    static String filters(AVFrame first, AVStream stream) throws MediaRejectedException {
        AVCodecParameters container = stream.codecpar();
        int transfer = first.color_trc() != AVCOL_TRC_UNSPECIFIED ? first.color_trc() : container.color_trc();
        int primaries = first.color_primaries() != AVCOL_PRI_UNSPECIFIED ? first.color_primaries() : container.color_primaries();
        boolean hdr = transfer == AVCOL_TRC_SMPTE2084 || transfer == AVCOL_TRC_ARIB_STD_B67;
        if (!hdr && primaries != AVCOL_PRI_BT2020) {
            return "";
        }
        String what = hdr ? (transfer == AVCOL_TRC_SMPTE2084 ? "HDR video (PQ)" : "HDR video (HLG)") : "BT.2020 video";
        require("zscale", what);
        // What the source does not say is taken as HDR and BT.2020 video mostly are: BT.2020 colours, limited range.
        int matrix = first.colorspace() != AVCOL_SPC_UNSPECIFIED ? first.colorspace()
                : container.color_space() != AVCOL_SPC_UNSPECIFIED ? container.color_space() : AVCOL_SPC_BT2020_NCL;
        int range = first.color_range() != AVCOL_RANGE_UNSPECIFIED ? first.color_range()
                : container.color_range() != AVCOL_RANGE_UNSPECIFIED ? container.color_range() : AVCOL_RANGE_MPEG;
        String source = "setparams=color_primaries=" + name(av_color_primaries_name(primaries == AVCOL_PRI_UNSPECIFIED ? AVCOL_PRI_BT2020 : primaries))
                + ":color_trc=" + name(av_color_transfer_name(transfer == AVCOL_TRC_UNSPECIFIED ? AVCOL_TRC_BT2020_10 : transfer)) + ":colorspace=" + name(av_color_space_name(matrix))
                + ":range=" + name(av_color_range_name(range)) + ",";
        if (!hdr) {
            return source + "zscale=p=bt709:t=bt709:m=bt709:r=tv";
        }
        require("tonemap", what);
        double peak = transfer == AVCOL_TRC_ARIB_STD_B67 ? DEFAULT_PEAK_NITS : peakNits(first, container);
        return source + "zscale=t=linear:p=bt709:npl=" + (int) REFERENCE_WHITE_NITS + ",format=gbrpf32le,"
                + String.format(Locale.ROOT, "tonemap=tonemap=mobius:desat=0:peak=%.3f", peak / REFERENCE_WHITE_NITS)
                + ",zscale=t=bt709:m=bt709:r=tv";
    }

    /** @throws MediaRejectedException when FFmpeg has no name for the value: the upload's, so a 422, not a 500 */
    private static String name(BytePointer name) throws MediaRejectedException {
        if (name == null || name.isNull()) {
            throw new MediaRejectedException(MediaProblem.UNSUPPORTED_TYPE,
                    "the video states a colour property this FFmpeg build cannot name, so it cannot be converted to SDR");
        }
        return name.getString();
    }

    static void require(String filter, String what) throws MediaRejectedException {
        if (avfilter_get_by_name(filter) == null) {
            throw new MediaRejectedException(MediaProblem.UNSUPPORTED_TYPE, what + " cannot be converted to SDR: this FFmpeg build has no "
                    + filter + " filter");
        }
    }

    /**
     * @return the content's peak in nits: MaxCLL (an unsigned 32-bit count of nits; 0 means unknown), else the
     *         mastering display's maximum luminance (when it states one, as a positive fraction), else 1000; each
     *         from the picture's side data before the container's, and held to 400 to 10000
     */
    static double peakNits(AVFrame first, AVCodecParameters container) {
        Pointer light = frameSideData(first, AV_FRAME_DATA_CONTENT_LIGHT_LEVEL);
        if (light == null) {
            light = codedSideData(container, AV_PKT_DATA_CONTENT_LIGHT_LEVEL);
        }
        double peak = 0;
        if (light != null) {
            peak = Integer.toUnsignedLong(new AVContentLightMetadata(light).MaxCLL()); // a C unsigned: 2^32 - 1 is no -1
        }
        if (peak <= 0) {
            Pointer mastering = frameSideData(first, AV_FRAME_DATA_MASTERING_DISPLAY_METADATA);
            if (mastering == null) {
                mastering = codedSideData(container, AV_PKT_DATA_MASTERING_DISPLAY_METADATA);
            }
            AVMasteringDisplayMetadata display = mastering == null ? null : new AVMasteringDisplayMetadata(mastering);
            if (display != null && display.has_luminance() != 0 && display.max_luminance().den() > 0) {
                peak = (double) display.max_luminance().num() / display.max_luminance().den();
            }
        }
        return peak > 0 ? Math.max(400, Math.min(10_000, peak)) : DEFAULT_PEAK_NITS;
    }

    private static Pointer frameSideData(AVFrame frame, int type) {
        AVFrameSideData data = av_frame_get_side_data(frame, type);
        return data == null || data.isNull() ? null : data.data();
    }

    private static Pointer codedSideData(AVCodecParameters parameters, int type) {
        AVPacketSideData data = av_packet_side_data_get(parameters.coded_side_data(), parameters.nb_coded_side_data(), type);
        return data == null || data.isNull() ? null : data.data();
    }
}
