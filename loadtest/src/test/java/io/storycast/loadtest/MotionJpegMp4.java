package io.storycast.loadtest;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The smallest MP4 (ISO/IEC 14496-12) that carries a video: one track of Motion JPEG pictures (sample entry
 * {@code jpeg}, which FFmpeg's {@code mov} demuxer reads as MJPEG), all in one chunk, every picture a sync
 * sample, {@code moov} before {@code mdat}. Enough for the gateway to probe, decode and transcode a real video
 * without an encoder in the load tool.
 */
final class MotionJpegMp4 {
    private static final int MOVIE_TIMESCALE = 1000;
    private static final int[] IDENTITY_MATRIX = {0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000};

    private MotionJpegMp4() {
    }

    /** @param frames the pictures, JPEG each, shown at {@code fps} per second */
    static byte[] write(int width, int height, int fps, List<byte[]> frames) {
        if (frames.isEmpty() || fps <= 0) {
            throw new IllegalArgumentException("a video needs at least one frame and a positive frame rate");
        }
        byte[] ftyp = box("ftyp", ascii("isom"), int32(512), ascii("isom"), ascii("iso2"), ascii("mp41"));
        // The chunk offset is a fixed-size field, so the moov box's size does not depend on its value.
        long mdatPayload = ftyp.length + moov(width, height, fps, frames, 0).length + 8L;
        byte[] moov = moov(width, height, fps, frames, mdatPayload);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ftyp);
        out.writeBytes(moov);
        long mdatSize = 8;
        for (byte[] frame : frames) {
            mdatSize += frame.length;
        }
        out.writeBytes(int32((int) mdatSize));
        out.writeBytes(ascii("mdat"));
        frames.forEach(out::writeBytes);
        return out.toByteArray();
    }

    private static byte[] moov(int width, int height, int fps, List<byte[]> frames, long chunkOffset) {
        int count = frames.size();
        int durationMillis = (int) (count * 1000L / fps);
        byte[] mvhd = fullBox("mvhd", 0, int32(0), int32(0), int32(MOVIE_TIMESCALE), int32(durationMillis),
                int32(0x00010000), int16(0x0100), new byte[10], matrix(), new byte[24], int32(2));
        byte[] tkhd = fullBox("tkhd", 3, int32(0), int32(0), int32(1), int32(0), int32(durationMillis), new byte[8],
                int16(0), int16(0), int16(0), int16(0), matrix(), int32(width << 16), int32(height << 16));
        byte[] mdhd = fullBox("mdhd", 0, int32(0), int32(0), int32(fps), int32(count), int16(0x55C4), int16(0));
        byte[] hdlr = fullBox("hdlr", 0, int32(0), ascii("vide"), new byte[12], "VideoHandler\0".getBytes(StandardCharsets.US_ASCII));
        byte[] vmhd = fullBox("vmhd", 1, int16(0), new byte[6]);
        byte[] dinf = box("dinf", fullBox("dref", 0, int32(1), fullBox("url ", 1)));
        byte[] compressor = new byte[32];
        byte[] sampleEntry = box("jpeg", new byte[6], int16(1), int16(0), int16(0), new byte[12], int16(width), int16(height),
                int32(0x00480000), int32(0x00480000), int32(0), int16(1), compressor, int16(0x0018), int16(0xFFFF));
        byte[] stsd = fullBox("stsd", 0, int32(1), sampleEntry);
        byte[] stts = fullBox("stts", 0, int32(1), int32(count), int32(1));
        byte[] stsc = fullBox("stsc", 0, int32(1), int32(1), int32(count), int32(1));
        ByteBuffer sizes = ByteBuffer.allocate(8 + 4 * count).putInt(0).putInt(count);
        frames.forEach(frame -> sizes.putInt(frame.length));
        byte[] stsz = fullBox("stsz", 0, sizes.array());
        byte[] stco = fullBox("stco", 0, int32(1), int32((int) chunkOffset));
        byte[] stbl = box("stbl", stsd, stts, stsc, stsz, stco);
        byte[] minf = box("minf", vmhd, dinf, stbl);
        byte[] mdia = box("mdia", mdhd, hdlr, minf);
        return box("moov", mvhd, box("trak", tkhd, mdia));
    }

    private static byte[] box(String type, byte[]... parts) {
        int size = 8;
        for (byte[] part : parts) {
            size += part.length;
        }
        ByteBuffer box = ByteBuffer.allocate(size).putInt(size).put(ascii(type));
        for (byte[] part : parts) {
            box.put(part);
        }
        return box.array();
    }

    private static byte[] fullBox(String type, int flags, byte[]... parts) {
        byte[][] withHeader = new byte[parts.length + 1][];
        withHeader[0] = int32(flags & 0xFFFFFF); // version 0
        System.arraycopy(parts, 0, withHeader, 1, parts.length);
        return box(type, withHeader);
    }

    private static byte[] matrix() {
        ByteBuffer matrix = ByteBuffer.allocate(36);
        for (int value : IDENTITY_MATRIX) {
            matrix.putInt(value);
        }
        return matrix.array();
    }

    private static byte[] int32(int value) {
        return ByteBuffer.allocate(4).putInt(value).array();
    }

    private static byte[] int16(int value) {
        return ByteBuffer.allocate(2).putShort((short) value).array();
    }

    private static byte[] ascii(String fourCc) {
        return fourCc.getBytes(StandardCharsets.US_ASCII);
    }
}
