package io.storycast.media.ffmpeg;

import io.netty.buffer.ByteBuf;
import io.storycast.media.MediaLimits;
import io.storycast.media.MediaRejectedException;
import io.storycast.media.Rendition;
import io.storycast.media.profile.Fit;
import io.storycast.media.profile.VideoRendition;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;

/**
 * Re-encoded sound (here 16-bit PCM) is encoded once per distinct audio format, a bit rate and a segment length,
 * however many renditions carry it: counted in AAC frames given to the encoders by one job, and seen in the
 * renditions, which carry the very same AAC packets.
 */
class SharedAacEncodingTest {
    @RegisterExtension
    final VideoFixture fixture = new VideoFixture();

    private static VideoRendition rendition(int width, int height, int audioBitsPerSecond, int maxSegmentSeconds) {
        return new VideoRendition("story", width, height, 30, 1, 400_000, audioBitsPerSecond, maxSegmentSeconds, 0, Fit.COVER, "test");
    }

    private ByteBuf pcmClip() {
        return fixture.input(new TestClip(320, 240, 30).seconds(3).audio(TestVideos.Audio.PCM).make());
    }

    @Test
    void encodesTheSoundOnceForRenditionsThatShareItsBitRateAndSegmentLength() throws Exception {
        ByteBuf clip = pcmClip();
        VideoRendition small = rendition(180, 320, 96_000, 2);
        VideoRendition large = rendition(360, 640, 96_000, 2);

        long one = fixture.aacFramesEncoded(clip, List.of(small));
        long two = fixture.aacFramesEncoded(clip, List.of(small, large));

        assertThat(one).as("3 s at 48 kHz, less a priming frame per segment").isGreaterThanOrEqualTo((3 * 48_000 - 2 * 1024) / 1024);
        assertThat(two).as("a second rendition of the same audio format encodes nothing more").isEqualTo(one);
    }

    @Test
    void encodesTheSoundOncePerDistinctBitRateAndSegmentLength() throws Exception {
        ByteBuf clip = pcmClip();
        VideoRendition small = rendition(180, 320, 96_000, 2);
        VideoRendition otherRate = rendition(180, 320, 128_000, 2);
        VideoRendition otherLength = rendition(180, 320, 96_000, 60);
        long alone = fixture.aacFramesEncoded(clip, List.of(small))
                + fixture.aacFramesEncoded(clip, List.of(otherRate))
                + fixture.aacFramesEncoded(clip, List.of(otherLength));

        long together = fixture.aacFramesEncoded(clip, List.of(small, rendition(360, 640, 96_000, 2), otherRate, otherLength));

        assertThat(together).as("three formats among four renditions: three encodings").isEqualTo(alone);
    }

    @Test
    void renditionsSharingAnEncodingCarryTheSameAacPackets() throws Exception {
        ByteBuf clip = pcmClip();
        Map<String, VideoRendition> wanted = Map.of("small", rendition(180, 320, 96_000, 2), "large", rendition(360, 640, 96_000, 2));

        Map<String, List<Rendition>> made = fixture.transcoder().transcode(clip, wanted, MediaLimits.DEFAULTS);
        try {
            assertThat(made.get("small")).hasSize(2).hasSameSizeAs(made.get("large"));
            for (int i = 0; i < made.get("small").size(); i++) {
                List<String> small = audioPackets(made.get("small").get(i).bytes());
                assertThat(small).as("segment %d has sound", i + 1).isNotEmpty();
                assertThat(audioPackets(made.get("large").get(i).bytes())).as("segment %d", i + 1).isEqualTo(small);
                assertThat(made.get("small").get(i).bytes()).as("but not the same pictures").isNotEqualTo(made.get("large").get(i).bytes());
            }
        } finally {
            made.values().forEach(segments -> segments.forEach(Rendition::release));
        }
    }

    /** @return each AAC packet of the MP4, in hex, in order */
    private static List<String> audioPackets(ByteBuf mp4) throws MediaRejectedException {
        List<String> packets = new ArrayList<>();
        AVPacket packet = av_packet_alloc();
        try (VideoSource source = VideoSource.open(mp4, MediaLimits.DEFAULTS, System.nanoTime() + 30_000_000_000L)) {
            while (source.read(packet)) {
                try {
                    if (packet.stream_index() == source.audio().index()) {
                        byte[] data = new byte[packet.size()];
                        packet.data().get(data);
                        packets.add(HexFormat.of().formatHex(data));
                    }
                } finally {
                    av_packet_unref(packet);
                }
            }
        } finally {
            av_packet_free(packet);
        }
        return packets;
    }
}
