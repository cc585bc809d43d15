package io.storycast.media.ffmpeg;

import io.netty.buffer.ByteBuf;
import io.storycast.media.MediaLimits;
import io.storycast.media.MediaRejectedException;
import io.storycast.testing.LeakDetectionExtension;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVContentLightMetadata;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVMasteringDisplayMetadata;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Locale;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_DATA_CONTENT_LIGHT_LEVEL;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_DATA_MASTERING_DISPLAY_METADATA;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_free;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_TRC_ARIB_STD_B67;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_TRC_SMPTE2084;
import static org.bytedeco.ffmpeg.global.avutil.av_content_light_metadata_create_side_data;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_mastering_display_metadata_create_side_data;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Where the tone mapping of PQ video takes the content's peak from ({@link ColourConversion#peakNits}): the
 * content light level's MaxCLL, else the mastering display's maximum luminance, else 1000 nits, each from the
 * picture before the container, held to 400 to 10000 nits. Every case over FFmpeg's own side-data structs,
 * and over real clips whose container carries the HDR10 boxes ({@code clli}, {@code mdcv}).
 */
@ExtendWith(LeakDetectionExtension.class)
class ColourConversionTest {
    /** A mastering display's maximum luminance as stated: {@code num/den} nits, {@code has_luminance}. */
    private record Mastering(int num, int den, boolean hasLuminance) {
        static Mastering nits(int nits) {
            return new Mastering(nits * 10_000, 10_000, true); // HDR10 states 0.0001 nits
        }

        void put(AVMasteringDisplayMetadata display) {
            display.max_luminance(av_make_q(num, den)).min_luminance(av_make_q(50, 10_000)).has_luminance(hasLuminance ? 1 : 0);
        }
    }

    /** The light levels a source states, null where it states none: on its first picture and in its container. */
    private record Stated(Integer pictureMaxCll, Integer containerMaxCll, Mastering pictureMastering, Mastering containerMastering) {
        static Stated nothing() {
            return new Stated(null, null, null, null);
        }

        Stated pictureCll(int maxCll) {
            return new Stated(maxCll, containerMaxCll, pictureMastering, containerMastering);
        }

        Stated containerCll(int maxCll) {
            return new Stated(pictureMaxCll, maxCll, pictureMastering, containerMastering);
        }

        Stated pictureMastering(Mastering mastering) {
            return new Stated(pictureMaxCll, containerMaxCll, mastering, containerMastering);
        }

        Stated containerMastering(Mastering mastering) {
            return new Stated(pictureMaxCll, containerMaxCll, pictureMastering, mastering);
        }
    }

    static Stream<Arguments> statedLight() {
        Stated none = Stated.nothing();
        return Stream.of(
                arguments("nothing stated", none, 1000),
                arguments("MaxCLL on the picture", none.pictureCll(1500), 1500),
                arguments("MaxCLL in the container", none.containerCll(2000), 2000),
                arguments("the picture's MaxCLL before the container's", none.pictureCll(1500).containerCll(2000), 1500),
                arguments("MaxCLL before the mastering display", none.pictureCll(1500).pictureMastering(Mastering.nits(4000)), 1500),
                arguments("a MaxCLL of 0 (unknown) gives way to the mastering display",
                        none.pictureCll(0).containerMastering(Mastering.nits(4000)), 4000),
                arguments("the mastering display on the picture", none.pictureMastering(Mastering.nits(4000)), 4000),
                arguments("the mastering display in the container", none.containerMastering(Mastering.nits(600)), 600),
                arguments("the picture's mastering display before the container's",
                        none.pictureMastering(Mastering.nits(600)).containerMastering(Mastering.nits(4000)), 600),
                arguments("a mastering display without its luminance", none.pictureMastering(new Mastering(40_000_000, 10_000, false)), 1000),
                arguments("a mastering luminance over 0", none.pictureMastering(new Mastering(4000, 0, true)), 1000),
                arguments("a negative mastering luminance", none.pictureMastering(new Mastering(-4000, 1, true)), 1000),
                arguments("MaxCLL below 400 nits, raised", none.pictureCll(100), 400),
                arguments("MaxCLL above 10000 nits, lowered", none.containerCll(20_000), 10_000),
                arguments("MaxCLL of 2^32 - 1 (unsigned, past an int), lowered", none.pictureCll(-1), 10_000),
                arguments("a mastering display below 400 nits, raised", none.containerMastering(Mastering.nits(100)), 400),
                arguments("a mastering display above 10000 nits, lowered", none.pictureMastering(Mastering.nits(50_000)), 10_000));
    }

    @ParameterizedTest(name = "{0}: {2} nits")
    @MethodSource("statedLight")
    void takesThePeakFromMaxCllElseTheMasteringDisplayElse1000Nits(String what, Stated stated, int nits) {
        AVFrame picture = av_frame_alloc();
        AVCodecParameters container = avcodec_parameters_alloc();
        try {
            if (stated.pictureMaxCll() != null) {
                av_content_light_metadata_create_side_data(picture).MaxCLL(stated.pictureMaxCll());
            }
            if (stated.pictureMastering() != null) {
                stated.pictureMastering().put(av_mastering_display_metadata_create_side_data(picture));
            }
            if (stated.containerMaxCll() != null) {
                new AVContentLightMetadata(TestClip.addSideData(container, AV_PKT_DATA_CONTENT_LIGHT_LEVEL,
                        Pointer.sizeof(AVContentLightMetadata.class))).MaxCLL(stated.containerMaxCll());
            }
            if (stated.containerMastering() != null) {
                stated.containerMastering().put(new AVMasteringDisplayMetadata(TestClip.addSideData(container,
                        AV_PKT_DATA_MASTERING_DISPLAY_METADATA, Pointer.sizeof(AVMasteringDisplayMetadata.class))));
            }

            assertThat(ColourConversion.peakNits(picture, container)).as(what).isEqualTo(nits);
        } finally {
            av_frame_free(picture);
            avcodec_parameters_free(container);
        }
    }

    static Stream<Arguments> hdrClips() {
        return Stream.of(
                arguments("PQ, MaxCLL 1500 and a 4000-nit mastering display", TestClip.Transfer.PQ, 1500, 4000, 1500),
                arguments("PQ, a 4000-nit mastering display only", TestClip.Transfer.PQ, 0, 4000, 4000),
                arguments("PQ, MaxCLL 2000 only", TestClip.Transfer.PQ, 2000, 0, 2000),
                arguments("PQ, no light levels", TestClip.Transfer.PQ, 0, 0, 1000),
                arguments("HLG, whose nominal peak is 1000 nits whatever is stated", TestClip.Transfer.HLG, 1500, 4000, 1000));
    }

    @ParameterizedTest(name = "{0}: {4} nits")
    @MethodSource("hdrClips")
    void tonemapsARealHdrClipToThePeakItsContainerStates(String what, TestClip.Transfer transfer, int maxCll, int masteringNits,
                                                          int nits) throws Exception {
        ByteBuf clip = new TestClip(64, 64, 30).seconds(0.1).audio(TestVideos.Audio.NONE).hdr(transfer).hdrLight(maxCll, masteringNits).make();
        try {
            assertThat(filtersOfTheFirstPicture(clip)).as(what)
                    .contains(String.format(Locale.ROOT, ":peak=%.3f,", nits / ColourConversion.REFERENCE_WHITE_NITS))
                    .contains("setparams=color_primaries=bt2020:color_trc=" + (transfer == TestClip.Transfer.PQ ? "smpte2084" : "arib-std-b67"));
        } finally {
            clip.release();
        }
    }

    /** @return the conversion {@link ColourConversion#filters} picks for the clip's first decoded picture */
    private static String filtersOfTheFirstPicture(ByteBuf clip) throws MediaRejectedException {
        AVPacket packet = av_packet_alloc();
        AVFrame picture = av_frame_alloc();
        try (VideoSource source = VideoSource.open(clip, MediaLimits.DEFAULTS, System.nanoTime() + 30_000_000_000L);
             VideoDecoder decoder = new VideoDecoder(source.video(), MediaLimits.DEFAULTS, 1)) {
            while (source.read(packet)) {
                try {
                    if (packet.stream_index() == source.video().index()) {
                        decoder.send(packet);
                        if (decoder.receive(picture)) {
                            assertThat(picture.color_trc()).isIn(AVCOL_TRC_SMPTE2084, AVCOL_TRC_ARIB_STD_B67);
                            return ColourConversion.filters(picture, source.video());
                        }
                    }
                } finally {
                    av_packet_unref(packet);
                }
            }
            throw new AssertionError("no picture decoded");
        } finally {
            av_frame_free(picture);
            av_packet_free(packet);
        }
    }
}
