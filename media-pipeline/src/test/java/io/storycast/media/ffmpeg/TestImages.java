package io.storycast.media.ffmpeg;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_QSCALE;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGB24;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.FF_QP2LAMBDA;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ420P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;

/**
 * Real test images, made by the same FFmpeg build (no committed fixtures): a picture whose left half is red
 * and right half blue (so orientation and cropping are visible), or noise (hard to compress), encoded as
 * JPEG, PNG or WebP; plus EXIF and XMP segments to put in a JPEG. Public for the benchmarks in {@code bench/}.
 */
public final class TestImages {
    private TestImages() {
    }

    /** A JPEG of the given size, left half red and right half blue, in a direct buffer the caller releases. */
    public static ByteBuf redBlueJpeg(int width, int height) {
        return encode("mjpeg", AV_PIX_FMT_YUVJ420P, width, height, Picture.RED_BLUE);
    }

    /** A PNG, left half red and right half blue. */
    public static ByteBuf redBluePng(int width, int height) {
        return encode("png", AV_PIX_FMT_RGB24, width, height, Picture.RED_BLUE);
    }

    /** A WebP, left half red and right half blue. */
    public static ByteBuf redBlueWebp(int width, int height) {
        return encode("libwebp", AV_PIX_FMT_YUV420P, width, height, Picture.RED_BLUE);
    }

    /** A JPEG of random noise: large at any quality. */
    public static ByteBuf noiseJpeg(int width, int height) {
        return encode("mjpeg", AV_PIX_FMT_YUVJ420P, width, height, Picture.NOISE);
    }

    /** A JPEG like a photo: smooth colour gradients with fine grain, about 3 bits per pixel at 12 MP. */
    public static ByteBuf photoLikeJpeg(int width, int height) {
        return encode("mjpeg", AV_PIX_FMT_YUVJ420P, width, height, Picture.PHOTO);
    }

    private enum Picture { RED_BLUE, NOISE, PHOTO }

    private static ByteBuf encode(String encoderName, int pixelFormat, int width, int height, Picture picture) {
        AVCodec codec = avcodec_find_encoder_by_name(encoderName);
        AVCodecContext encoder = avcodec_alloc_context3(codec);
        AVFrame frame = av_frame_alloc();
        AVPacket packet = av_packet_alloc();
        try {
            encoder.width(width).height(height).pix_fmt(pixelFormat).time_base(av_make_q(1, 25));
            if (encoderName.equals("mjpeg")) {
                encoder.flags(encoder.flags() | AV_CODEC_FLAG_QSCALE)
                        .global_quality(3 * FF_QP2LAMBDA);
            }
            check(avcodec_open2(encoder, codec, (AVDictionary) null), "open " + encoderName);
            frame.width(width).height(height).format(pixelFormat);
            check(av_frame_get_buffer(frame, 0), "frame buffer");
            paint(frame, pixelFormat, picture);
            frame.pts(0);
            check(avcodec_send_frame(encoder, frame), "send");
            check(avcodec_send_frame(encoder, null), "flush");
            ByteBuf out = ByteBufAllocator.DEFAULT.directBuffer();
            while (avcodec_receive_packet(encoder, packet) == 0) {
                out.writeBytes(packet.data().position(0).capacity(packet.size()).asByteBuffer());
                av_packet_unref(packet);
            }
            return out;
        } finally {
            av_packet_free(packet);
            av_frame_free(frame);
            avcodec_free_context(encoder);
        }
    }

    private static void paint(AVFrame frame, int pixelFormat, Picture picture) {
        Random random = new Random(42);
        int width = frame.width();
        int height = frame.height();
        if (pixelFormat == AV_PIX_FMT_RGB24) {
            BytePointer rgb = frame.data(0);
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    long at = (long) y * frame.linesize(0) + 3L * x;
                    boolean left = x < width / 2;
                    rgb.put(at, (byte) (left ? 255 : 0)).put(at + 1, (byte) 0).put(at + 2, (byte) (left ? 0 : 255));
                }
            }
            return;
        }
        // YUV 4:2:0, full range: red is Y 76, U 85, V 255; blue is Y 29, U 255, V 107.
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int value = switch (picture) {
                    case NOISE -> random.nextInt(256);
                    case PHOTO -> Math.min(255, 40 + 150 * x / width + 40 * y / height + random.nextInt(12));
                    case RED_BLUE -> x < width / 2 ? 76 : 29;
                };
                frame.data(0).put((long) y * frame.linesize(0) + x, (byte) value);
            }
        }
        for (int y = 0; y < height / 2; y++) {
            for (int x = 0; x < width / 2; x++) {
                boolean left = x < width / 4;
                int u = switch (picture) {
                    case NOISE -> random.nextInt(256);
                    case PHOTO -> 90 + 60 * y / height;
                    case RED_BLUE -> left ? 85 : 255;
                };
                int v = switch (picture) {
                    case NOISE -> random.nextInt(256);
                    case PHOTO -> 160 - 50 * x / width;
                    case RED_BLUE -> left ? 255 : 107;
                };
                frame.data(1).put((long) y * frame.linesize(1) + x, (byte) u);
                frame.data(2).put((long) y * frame.linesize(2) + x, (byte) v);
            }
        }
    }

    /**
     * Takes ownership of {@code jpeg} (releases it).
     *
     * @return a copy of {@code jpeg} with an EXIF segment (orientation, and a GPS position) and an XMP segment
     *         inserted after its SOI marker, as a phone camera writes them
     */
    public static ByteBuf withExifAndXmp(ByteBuf jpeg, int orientation) {
        ByteBuf tiff = Unpooled.buffer();
        tiff.writeBytes(new byte[]{'M', 'M', 0, 42}).writeInt(8);
        // IFD0: orientation, and a pointer to the GPS IFD
        tiff.writeShort(2);
        tiff.writeShort(0x0112).writeShort(3).writeInt(1).writeShort(orientation).writeShort(0);
        tiff.writeShort(0x8825).writeShort(4).writeInt(1).writeInt(8 + 2 + 2 * 12 + 4);
        tiff.writeInt(0);
        // GPS IFD: latitude reference "N"
        tiff.writeShort(1);
        tiff.writeShort(0x0001).writeShort(2).writeInt(2).writeBytes(new byte[]{'N', 0, 0, 0});
        tiff.writeInt(0);
        ByteBuf exif = Unpooled.buffer().writeBytes("Exif\0\0".getBytes(StandardCharsets.ISO_8859_1)).writeBytes(tiff);
        ByteBuf xmp = Unpooled.buffer().writeBytes(("http://ns.adobe.com/xap/1.0/\0<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">"
                + "<rdf:RDF><rdf:Description exif:GPSLatitude=\"48,51.0N\"/></rdf:RDF></x:xmpmeta>").getBytes(StandardCharsets.UTF_8));
        ByteBuf out = ByteBufAllocator.DEFAULT.directBuffer();
        out.writeBytes(jpeg, jpeg.readerIndex(), 2);
        for (ByteBuf segment : new ByteBuf[]{exif, xmp}) {
            out.writeByte(0xFF).writeByte(0xE1).writeShort(segment.readableBytes() + 2).writeBytes(segment);
        }
        out.writeBytes(jpeg, jpeg.readerIndex() + 2, jpeg.readableBytes() - 2);
        jpeg.release();
        tiff.release();
        exif.release();
        xmp.release();
        return out;
    }

    private static void check(int result, String what) {
        if (result < 0) {
            throw new IllegalStateException(what + ": " + FfmpegErrors.describe(result));
        }
    }
}
