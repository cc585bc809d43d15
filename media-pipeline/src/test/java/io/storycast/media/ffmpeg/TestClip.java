package io.storycast.media.ffmpeg;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avcodec.AVPacketSideData;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVContentLightMetadata;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVMasteringDisplayMetadata;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_GLOBAL_HEADER;
import static org.bytedeco.ffmpeg.global.avcodec.FF_COMPLIANCE_UNOFFICIAL;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_DATA_CONTENT_LIGHT_LEVEL;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_DATA_DOVI_CONF;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_DATA_DISPLAYMATRIX;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_DATA_MASTERING_DISPLAY_METADATA;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_rescale_ts;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_side_data_new;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_from_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avformat.AVFMT_GLOBALHEADER;
import static org.bytedeco.ffmpeg.global.avformat.av_interleaved_write_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_write_trailer;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_output_context2;
import static org.bytedeco.ffmpeg.global.avformat.avformat_free_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_new_stream;
import static org.bytedeco.ffmpeg.global.avformat.avformat_write_header;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_PRI_BT2020;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_RANGE_MPEG;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_SPC_BT2020_NCL;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_TRC_ARIB_STD_B67;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_TRC_SMPTE2084;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV422P10LE;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;

/**
 * A test video to make, by the same FFmpeg build (no committed fixtures): what {@link TestVideos} makes, and
 * the variants the tests of timing and geometry need. Defaults: the red/blue pattern ({@link TestPictures})
 * as H.264 (libopenh264), a 440 Hz tone as AAC at 48 kHz starting with the video, square pixels, no display
 * matrix, MP4 with {@code moov} at the end (QuickTime for PCM sound, a location or ProRes).
 */
public final class TestClip {
    /** The transfer of a 10-bit HDR clip (ProRes 4:2:2 10-bit, BT.2020), or SDR for the usual 8-bit H.264. */
    public enum Transfer { SDR, PQ, HLG }

    private final int width;
    private final int height;
    private final int fps;
    private int frames;
    private TestVideos.Audio audio = TestVideos.Audio.AAC;
    private int sampleRate = 48_000;
    private double audioDelaySeconds;
    private boolean beeps;
    private String location;
    private boolean textured;
    private boolean scene;
    private long bitRate;
    private boolean topBand;
    private int sarNum = 1;
    private int sarDen = 1;
    private int[] displayMatrix;
    private Transfer transfer = Transfer.SDR;
    private int maxCll;
    private int masteringPeakNits;
    private int doviProfile = -1;
    private int doviCompatibility;

    public TestClip(int width, int height, int fps) {
        this.width = width;
        this.height = height;
        this.fps = fps;
        this.frames = fps;
    }

    /** @param seconds length: the clip has {@code round(seconds * fps)} pictures */
    public TestClip seconds(double seconds) {
        frames = (int) Math.round(seconds * fps);
        return this;
    }

    public TestClip audio(TestVideos.Audio audio) {
        this.audio = audio;
        return this;
    }

    public TestClip sampleRate(int sampleRate) {
        this.sampleRate = sampleRate;
        return this;
    }

    /** Starts the sound this much after the video (an edit list says so; the demuxer gives it that start time). */
    public TestClip audioDelay(double seconds) {
        this.audioDelaySeconds = seconds;
        return this;
    }

    /**
     * Sync marks instead of the tone and pattern: silence with a 100 ms 1 kHz beep at {@link TestPictures#MARKS},
     * and the picture white for exactly the same time (on picture boundaries at 25 and 30 fps).
     */
    public TestClip beeps() {
        this.beeps = true;
        return this;
    }

    /** A GPS position in the header, as a phone camera writes it ({@code udta/©xyz}). */
    public TestClip location(String iso6709) {
        this.location = iso6709;
        return this;
    }

    /** Fine panning texture and grain, like camera footage to a codec. */
    public TestClip textured() {
        this.textured = true;
        return this;
    }

    /** A natural-looking scene under a slow hand-held pan ({@link TestPictures.Scene}), like a phone's footage. */
    public TestClip scene() {
        this.scene = true;
        return this;
    }

    /** @param bitsPerSecond the video's bit rate; by default width x height x fps / 10, at least 200 kb/s */
    public TestClip bitRate(long bitsPerSecond) {
        this.bitRate = bitsPerSecond;
        return this;
    }

    /** A green band over the top eighth of the picture, so that a vertical flip shows. */
    public TestClip topBand() {
        this.topBand = true;
        return this;
    }

    /** Non-square pixels: each stored pixel shows {@code num/den} as wide as it is high. */
    public TestClip sampleAspectRatio(int num, int den) {
        this.sarNum = num;
        this.sarDen = den;
        return this;
    }

    /** A display matrix (9 ints, 16.16 and 2.30 fixed point, as {@code av_display_rotation_set} makes) on the stream. */
    public TestClip displayMatrix(int[] matrix) {
        this.displayMatrix = matrix.clone();
        return this;
    }

    /** A 10-bit BT.2020 ProRes clip in QuickTime with this transfer: {@link TestPictures#paintHdr} bands. */
    public TestClip hdr(Transfer transfer) {
        this.transfer = transfer;
        return this;
    }

    /**
     * HDR10 light levels in the container, as an HDR camera or grading tool writes them ({@code clli} and
     * {@code mdcv} boxes): for an {@link #hdr} clip.
     *
     * @param maxCll            the content light level's MaxCLL in nits, or 0 for no {@code clli}
     * @param masteringPeakNits the mastering display's maximum luminance in nits, or 0 for no {@code mdcv}
     */
    public TestClip hdrLight(int maxCll, int masteringPeakNits) {
        this.maxCll = maxCll;
        this.masteringPeakNits = masteringPeakNits;
        return this;
    }

    /**
     * A Dolby Vision configuration record on the video track, as a Dolby Vision camera or grading tool writes it:
     * a {@code dvcC} box (profile up to 7) or {@code dvvC} (8 to 10) beside the codec's own configuration, with an
     * RPU and a base layer and no enhancement layer. Only the record is Dolby Vision: the pictures stay what the
     * clip's codec and {@link #hdr} make (this FFmpeg build encodes no HEVC and writes no RPU).
     *
     * @param profile       {@code dv_profile}, e.g. 5 or 8
     * @param compatibility {@code dv_bl_signal_compatibility_id}: 0 none, 1 HDR10, 2 SDR, 4 HLG
     */
    public TestClip dolbyVision(int profile, int compatibility) {
        this.doviProfile = profile;
        this.doviCompatibility = compatibility;
        return this;
    }

    /** @return the clip in a direct buffer the caller releases */
    public ByteBuf make() {
        boolean mov = audio == TestVideos.Audio.PCM || location != null || prores();
        AVFormatContext container = new AVFormatContext(null);
        check(avformat_alloc_output_context2(container, null, mov ? "mov" : "mp4", null), "muxer");
        AVCodecContext video = null;
        AVCodecContext sound = null;
        AVFrame picture = av_frame_alloc();
        AVFrame samples = av_frame_alloc();
        AVPacket packet = av_packet_alloc();
        try (NativeOutput output = new NativeOutput(ByteBufAllocator.DEFAULT, Integer.MAX_VALUE)) {
            container.pb(output.context());
            boolean globalHeader = (container.oformat().flags() & AVFMT_GLOBALHEADER) != 0;
            video = videoEncoder(globalHeader);
            AVStream videoStream = stream(container, video);
            if (displayMatrix != null) {
                new IntPointer(addSideData(videoStream.codecpar(), AV_PKT_DATA_DISPLAYMATRIX, 9 * 4)).put(displayMatrix);
            }
            if (maxCll > 0) {
                new AVContentLightMetadata(addSideData(videoStream.codecpar(), AV_PKT_DATA_CONTENT_LIGHT_LEVEL,
                        Pointer.sizeof(AVContentLightMetadata.class))).MaxCLL(maxCll).MaxFALL(maxCll / 4);
            }
            if (masteringPeakNits > 0) {
                // HDR10 states luminance in 0.0001 nits; the primaries are BT.2020's, the white point D65.
                AVMasteringDisplayMetadata display = new AVMasteringDisplayMetadata(addSideData(videoStream.codecpar(),
                        AV_PKT_DATA_MASTERING_DISPLAY_METADATA, Pointer.sizeof(AVMasteringDisplayMetadata.class)));
                int[][] primaries = {{35400, 14600}, {8500, 39850}, {6550, 2300}};
                for (int i = 0; i < 3; i++) {
                    display.display_primaries(i, 0, av_make_q(primaries[i][0], 50_000)).display_primaries(i, 1, av_make_q(primaries[i][1], 50_000));
                }
                display.white_point(0, av_make_q(15635, 50_000)).white_point(1, av_make_q(16450, 50_000))
                        .min_luminance(av_make_q(50, 10_000)).max_luminance(av_make_q(masteringPeakNits * 10_000, 10_000))
                        .has_primaries(1).has_luminance(1);
            }
            if (doviProfile >= 0) {
                // AVDOVIDecoderConfigurationRecord, one byte a field: version 1.0, profile, level 4 (1080p30),
                // RPU present, no enhancement layer, base layer present, compatibility, no metadata compression.
                byte[] record = {1, 0, (byte) doviProfile, 4, 1, 0, 1, (byte) doviCompatibility, 0};
                new BytePointer(addSideData(videoStream.codecpar(), AV_PKT_DATA_DOVI_CONF, record.length)).put(record);
                container.strict_std_compliance(FF_COMPLIANCE_UNOFFICIAL); // movenc writes dvcC/dvvC only then
            }
            AVStream audioStream = null;
            if (audio != TestVideos.Audio.NONE) {
                sound = TestSounds.encoder(audio, sampleRate, globalHeader);
                audioStream = stream(container, sound);
            }
            if (location != null) {
                AVDictionary metadata = new AVDictionary(null);
                av_dict_set(metadata, "location", location, 0);
                container.metadata(metadata); // freed with the container
            }
            AVDictionary options = new AVDictionary(null);
            if (transfer != Transfer.SDR) {
                av_dict_set(options, "movflags", "+write_colr", 0); // the colour in the container too, as cameras write it
            }
            int written = avformat_write_header(container, options);
            av_dict_free(options);
            check(written, "header");

            TestPictures.Texture texture = textured ? new TestPictures.Texture(width, height, frames) : null;
            TestPictures.Scene view = scene ? new TestPictures.Scene(width, height, frames) : null;
            picture.width(width).height(height).format(video.pix_fmt());
            // ProRes writes each picture's own colour into its header: the same as the stream's.
            picture.color_primaries(video.color_primaries()).color_trc(video.color_trc()).colorspace(video.colorspace())
                    .color_range(video.color_range());
            check(av_frame_get_buffer(picture, 0), "picture buffer");
            long delay = Math.round(audioDelaySeconds * sampleRate);
            long samplesWritten = 0;
            for (int i = 0; i < frames; i++) {
                // Audio up to this picture's end, so the two tracks interleave as a camera writes them.
                while (sound != null && (delay + samplesWritten) * fps < (long) (i + 1) * sampleRate) {
                    TestSounds.fill(samples, sound, delay + samplesWritten, beeps);
                    samples.pts(delay + samplesWritten);
                    encode(sound, samples, packet, container, audioStream);
                    samplesWritten += TestSounds.SAMPLES_PER_FRAME;
                }
                check(av_frame_make_writable(picture), "writable picture");
                if (prores()) {
                    TestPictures.paintHdr(picture, transfer);
                } else if (texture != null) {
                    texture.paint(picture, i);
                } else if (view != null) {
                    view.paint(picture, i);
                } else if (beeps && TestPictures.marked((double) i / fps)) {
                    TestPictures.paintWhite(picture);
                } else {
                    TestPictures.paint(picture, i, topBand);
                }
                picture.pts(i);
                encode(video, picture, packet, container, videoStream);
            }
            encode(video, null, packet, container, videoStream);
            if (sound != null) {
                encode(sound, null, packet, container, audioStream);
            }
            check(av_write_trailer(container), "trailer");
            container.pb(null);
            return output.take();
        } finally {
            av_packet_free(packet);
            av_frame_free(samples);
            av_frame_free(picture);
            if (video != null) {
                avcodec_free_context(video);
            }
            if (sound != null) {
                avcodec_free_context(sound);
            }
            container.pb(null);
            avformat_free_context(container);
        }
    }

    /**
     * An HDR clip is 10-bit ProRes in QuickTime, unless it carries Dolby Vision: the muxer wrote no record for
     * ProRes in QuickTime and takes no ProRes in MP4, so such a clip is 8-bit H.264 in MP4 (where the record is
     * written) with the same colour tags, over the usual pattern.
     */
    private boolean prores() {
        return transfer != Transfer.SDR && doviProfile < 0;
    }

    private AVCodecContext videoEncoder(boolean globalHeader) {
        boolean hdr = transfer != Transfer.SDR;
        AVCodec codec = avcodec_find_encoder_by_name(prores() ? "prores_ks" : "libopenh264");
        AVCodecContext encoder = avcodec_alloc_context3(codec);
        encoder.width(width).height(height).pix_fmt(prores() ? AV_PIX_FMT_YUV422P10LE : AV_PIX_FMT_YUV420P).time_base(av_make_q(1, fps))
                .framerate(av_make_q(fps, 1)).gop_size(fps).bit_rate(bitRate > 0 ? bitRate : Math.max(200_000L, (long) width * height * fps / 10))
                .sample_aspect_ratio(av_make_q(sarNum, sarDen));
        if (hdr) {
            encoder.color_primaries(AVCOL_PRI_BT2020).colorspace(AVCOL_SPC_BT2020_NCL).color_range(AVCOL_RANGE_MPEG)
                    .color_trc(transfer == Transfer.PQ ? AVCOL_TRC_SMPTE2084 : AVCOL_TRC_ARIB_STD_B67);
        }
        if (globalHeader) {
            encoder.flags(encoder.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
        }
        check(avcodec_open2(encoder, codec, (AVDictionary) null), "open " + codec.name().getString());
        return encoder;
    }

    /**
     * Adds zeroed side data to the stream's parameters, where the mov muxer takes it (the display matrix for the
     * {@code tkhd} matrix, light levels for {@code clli} and {@code mdcv}).
     *
     * @return the new entry's data, {@code size} bytes owned by the parameters
     */
    static Pointer addSideData(AVCodecParameters parameters, int type, long size) {
        try (PointerPointer<AVPacketSideData> list = new PointerPointer<AVPacketSideData>(1).put(0, parameters.coded_side_data());
             IntPointer count = new IntPointer(1).put(parameters.nb_coded_side_data())) {
            AVPacketSideData entry = av_packet_side_data_new(list, count, type, size, 0);
            if (entry == null || entry.isNull()) {
                throw new IllegalStateException("cannot add side data of type " + type);
            }
            parameters.coded_side_data(new AVPacketSideData(list.get(0)));
            parameters.nb_coded_side_data(count.get());
            return entry.data();
        }
    }

    private static AVStream stream(AVFormatContext container, AVCodecContext encoder) {
        AVStream stream = avformat_new_stream(container, null);
        check(avcodec_parameters_from_context(stream.codecpar(), encoder), "stream parameters");
        stream.time_base(encoder.time_base());
        stream.sample_aspect_ratio(encoder.sample_aspect_ratio());
        return stream;
    }

    private static void encode(AVCodecContext encoder, AVFrame frame, AVPacket packet, AVFormatContext container, AVStream stream) {
        check(avcodec_send_frame(encoder, frame), "encode");
        while (avcodec_receive_packet(encoder, packet) == 0) {
            packet.stream_index(stream.index());
            if (packet.duration() == 0) {
                packet.duration(1); // libopenh264 leaves it unset: one frame, or the muxer cuts the last picture
            }
            AVRational from = encoder.time_base();
            av_packet_rescale_ts(packet, from, stream.time_base());
            check(av_interleaved_write_frame(container, packet), "write");
        }
    }

    static void check(int result, String what) {
        if (result < 0) {
            throw new IllegalStateException(what + ": " + FfmpegErrors.describe(result));
        }
    }
}
