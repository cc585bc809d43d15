package io.storycast.media.ffmpeg;

import io.netty.buffer.ByteBuf;
import io.storycast.media.MediaLimits;
import io.storycast.media.MediaRejectedException;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVFrame;

import java.util.ArrayList;
import java.util.List;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_get_name;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;

/**
 * What a player finds in an MP4: each track's codec, the picture size, every video packet (key or not,
 * its timestamp), the number of pictures that decode, and the colours of the first picture at four
 * points (top, bottom, left, right middle) as {U, V}.
 */
record ProbedVideo(String videoCodec, String audioCodec, int width, int height, List<Long> videoPts,
                   List<Integer> keyframes, int decodedFrames, long videoDurationMillis, long audioDurationMillis,
                   int[] topUv, int[] bottomUv, int[] leftUv, int[] rightUv) {

    /** @return whether every picture follows the one before by the same time */
    boolean constantFrameRate() {
        for (int i = 2; i < videoPts.size(); i++) {
            if (videoPts.get(i) - videoPts.get(i - 1) != videoPts.get(1) - videoPts.get(0)) {
                return false;
            }
        }
        return true;
    }

    /** Demuxes and decodes {@code mp4} with FFmpeg, as a client would. */
    static ProbedVideo of(ByteBuf mp4) throws MediaRejectedException {
        AVPacket packet = av_packet_alloc();
        AVFrame frame = av_frame_alloc();
        try (VideoSource source = VideoSource.open(mp4, MediaLimits.DEFAULTS, System.nanoTime() + 30_000_000_000L);
             VideoDecoder decoder = new VideoDecoder(source.video(), MediaLimits.DEFAULTS, 1)) {
            AVStream video = source.video();
            AVStream audio = source.audio();
            List<Long> pts = new ArrayList<>();
            List<Integer> keyframes = new ArrayList<>();
            int[] decoded = {0};
            int[][] colours = new int[4][];
            while (source.read(packet)) {
                try {
                    if (packet.stream_index() == video.index()) {
                        if ((packet.flags() & AV_PKT_FLAG_KEY) != 0) {
                            keyframes.add(pts.size());
                        }
                        pts.add(packet.pts());
                        decoder.send(packet);
                        drain(decoder, frame, decoded, colours);
                    }
                } finally {
                    av_packet_unref(packet);
                }
            }
            decoder.send(null);
            drain(decoder, frame, decoded, colours);
            return new ProbedVideo(avcodec_get_name(video.codecpar().codec_id()).getString(),
                    audio == null ? null : avcodec_get_name(audio.codecpar().codec_id()).getString(),
                    video.codecpar().width(), video.codecpar().height(), pts, keyframes, decoded[0],
                    VideoSource.millis(video.duration(), video.time_base()),
                    audio == null ? 0 : VideoSource.millis(audio.duration(), audio.time_base()),
                    colours[0], colours[1], colours[2], colours[3]);
        } finally {
            av_frame_free(frame);
            av_packet_free(packet);
        }
    }

    private static void drain(VideoDecoder decoder, AVFrame frame, int[] decoded, int[][] colours) {
        while (decoder.receive(frame)) {
            if (decoded[0]++ == 0) {
                int w = frame.width();
                int h = frame.height();
                colours[0] = uv(frame, w / 2, h / 8);
                colours[1] = uv(frame, w / 2, h - h / 8);
                colours[2] = uv(frame, w / 8, h / 4);
                colours[3] = uv(frame, w - w / 8, h / 4);
            }
            av_frame_unref(frame);
        }
    }

    private static int[] uv(AVFrame frame, int x, int y) {
        return new int[]{frame.data(1).get((long) (y / 2) * frame.linesize(1) + x / 2) & 0xFF,
                frame.data(2).get((long) (y / 2) * frame.linesize(2) + x / 2) & 0xFF};
    }
}
