package io.storycast.media.probe;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * The duration an MP4's movie header ({@code moov/mvhd}) claims, read from the bytes without a demuxer.
 * FFmpeg's mov demuxer keeps the track durations ({@code mdhd}) but not this one once the header is read,
 * and a player shows this one: the duration limit holds it to account as well.
 */
public final class Mp4Duration {
    private Mp4Duration() {
    }

    /**
     * @param upload an MP4 or QuickTime file; read without moving its indexes
     * @return the milliseconds {@code mvhd} claims, or 0 when the file has no readable {@code mvhd}
     */
    public static long claimedMillis(ByteBuf upload) {
        int moov = find(upload, upload.readerIndex(), upload.writerIndex(), "moov");
        if (moov < 0) {
            return 0;
        }
        int mvhd = find(upload, moov + 8, moov + (int) Mp4Boxes.size(upload, moov, upload.writerIndex()), "mvhd");
        if (mvhd < 0 || mvhd + 40 > upload.writerIndex()) {
            return 0;
        }
        boolean wide = upload.getByte(mvhd + 8) == 1;
        long timescale = upload.getUnsignedInt(mvhd + (wide ? 28 : 20));
        long duration = wide ? upload.getLong(mvhd + 32) : upload.getUnsignedInt(mvhd + 24);
        if (timescale == 0 || duration <= 0) {
            return 0;
        }
        long seconds = duration / timescale;
        if (seconds > Long.MAX_VALUE / 1000 - 1) {
            return Long.MAX_VALUE;
        }
        // Whole seconds and the rest apart: duration * 1000 could overflow long before the quotient does.
        return seconds * 1000 + (duration % timescale) * 1000 / timescale;
    }

    /** @return the offset of the first box of {@code type} between {@code from} and {@code to}, or -1 */
    private static int find(ByteBuf mp4, int from, int to, String type) {
        for (int at = from; at + 8 <= to; ) {
            long size = Mp4Boxes.size(mp4, at, to);
            if (size < 8) {
                return -1;
            }
            if (mp4.toString(at + 4, 4, StandardCharsets.ISO_8859_1).equals(type)) {
                return at;
            }
            at += (int) size;
        }
        return -1;
    }
}
