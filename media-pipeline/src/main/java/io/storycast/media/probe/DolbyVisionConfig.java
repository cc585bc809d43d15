package io.storycast.media.probe;

import io.netty.buffer.ByteBuf;
import io.storycast.media.MediaProblem;
import io.storycast.media.MediaRejectedException;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;

/**
 * A video track's Dolby Vision configuration record, and whether its pictures play without Dolby Vision. Profile 5
 * (and the older non-backward-compatible 1 and 3, and 8 or 10 with signal compatibility 0) has no base layer of its
 * own: its pictures are coded in Dolby's IPTPQc2 space without colour tags, so decoded as plain HEVC (or AV1) they
 * come out green and purple, and converting them needs the RPU metadata's reshaping and matrices, which FFmpeg
 * applies only through libplacebo, absent from the LGPL build. Every other profile has an HDR10, HLG or SDR base
 * layer tagged as it is: 8.1, 8.2, 8.4, 7 (HDR10 base), 9 (SDR), 10.1, 10.2, 10.4.
 *
 * <p>{@link #read} takes the record from the bytes (the {@code dvcC}, {@code dvvC} or {@code dvwC} box of a
 * {@code moov/trak/mdia/minf/stbl/stsd} sample entry), cheap enough for an event loop, so that an upload is
 * refused before a worker takes it; the transcoder checks FFmpeg's reading of the same record too.
 *
 * @param profile       {@code dv_profile}, 0 to 127
 * @param compatibility {@code dv_bl_signal_compatibility_id}, 0 to 15: 0 none, 1 HDR10, 2 SDR, 4 HLG, 6 Blu-ray HDR10
 * @param baseLayer     {@code bl_present_flag}
 */
public record DolbyVisionConfig(int profile, int compatibility, boolean baseLayer) {
    /** The boxes on the way to a sample entry, as their four bytes read big-endian (compared without a String per box). */
    private static final Set<Integer> PATH = Set.of(type("moov"), type("trak"), type("mdia"), type("minf"), type("stbl"));
    private static final int STSD = type("stsd");
    private static final Set<Integer> RECORDS = Set.of(type("dvcC"), type("dvvC"), type("dvwC"));
    /** A visual sample entry's fields before its child boxes, after its 8-byte header (ISO/IEC 14496-12). */
    private static final int VISUAL_SAMPLE_ENTRY = 78;

    /** @return whether the base layer shows right when decoded as what its codec and colour tags say */
    public boolean playsWithoutDolbyVision() {
        if (!baseLayer) {
            return false; // an enhancement layer alone is no picture
        }
        return switch (profile) {
            case 1, 3, 5 -> false; // non-backward-compatible by definition
            case 0, 2, 4, 6, 7, 9 -> true; // an SDR or HDR10 base whatever the field says (older records leave it 0)
            default -> compatibility != 0; // 8, 10 and later: the field tells
        };
    }

    /** @throws MediaRejectedException UNSUPPORTED_TYPE when the pictures do not play without Dolby Vision */
    public void requirePlayable() throws MediaRejectedException {
        if (!playsWithoutDolbyVision()) {
            throw new MediaRejectedException(MediaProblem.UNSUPPORTED_TYPE, "Dolby Vision profile " + profile
                    + " with signal compatibility " + compatibility + " is not supported: its pictures have no HDR10, HLG or"
                    + " SDR base layer, so their colours need Dolby Vision processing, which this FFmpeg build lacks;"
                    + " export the video as HDR10, HLG or SDR (profile 8.1, 8.4 or 8.2 plays too)");
        }
    }

    /**
     * @param mp4 an MP4 or QuickTime file; read without moving its indexes
     * @return the first Dolby Vision record of any track's sample entry, or empty when there is none or the boxes
     *         on the way are malformed (the demuxer then judges the file)
     */
    public static Optional<DolbyVisionConfig> read(ByteBuf mp4) {
        return search(mp4, mp4.readerIndex(), mp4.writerIndex(), 0);
    }

    private static Optional<DolbyVisionConfig> search(ByteBuf mp4, int from, int to, int depth) {
        for (int at = from; at + 8 <= to; ) {
            long size = Mp4Boxes.size(mp4, at, to);
            if (size == 0) {
                return Optional.empty();
            }
            int type = mp4.getInt(at + 4);
            int body = at + (mp4.getUnsignedInt(at) == 1 ? 16 : 8);
            int end = (int) (at + size);
            Optional<DolbyVisionConfig> found = Optional.empty();
            if (PATH.contains(type) && depth < PATH.size()) {
                found = search(mp4, body, end, depth + 1);
            } else if (type == STSD && body + 8 <= end) {
                found = entries(mp4, body + 8, end, (int) Math.min(mp4.getUnsignedInt(body + 4), 16)); // version, flags, count
            }
            if (found.isPresent()) {
                return found;
            }
            at = end;
        }
        return Optional.empty();
    }

    private static Optional<DolbyVisionConfig> entries(ByteBuf mp4, int from, int to, int count) {
        int at = from;
        for (int i = 0; i < count && at + 8 <= to; i++) {
            long size = Mp4Boxes.size(mp4, at, to);
            if (size == 0) {
                return Optional.empty();
            }
            int end = (int) (at + size);
            for (int child = at + 8 + VISUAL_SAMPLE_ENTRY; child + 8 <= end; ) {
                long childSize = Mp4Boxes.size(mp4, child, end);
                if (childSize == 0) {
                    break;
                }
                if (RECORDS.contains(mp4.getInt(child + 4)) && childSize >= 8 + 5) {
                    return Optional.of(parse(mp4, child + 8));
                }
                child += (int) childSize;
            }
            at = end;
        }
        return Optional.empty();
    }

    /** The record: version major and minor (a byte each), then profile:7 level:6 rpu:1 el:1 bl:1, compatibility:4. */
    private static DolbyVisionConfig parse(ByteBuf mp4, int at) {
        int bits = mp4.getUnsignedShort(at + 2);
        return new DolbyVisionConfig(bits >>> 9, mp4.getUnsignedByte(at + 4) >>> 4, (bits & 1) != 0);
    }

    private static int type(String fourCc) {
        byte[] bytes = fourCc.getBytes(StandardCharsets.ISO_8859_1);
        return (bytes[0] & 0xff) << 24 | (bytes[1] & 0xff) << 16 | (bytes[2] & 0xff) << 8 | (bytes[3] & 0xff);
    }
}
