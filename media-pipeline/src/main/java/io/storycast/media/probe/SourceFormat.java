package io.storycast.media.probe;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The accepted upload types, told by their magic bytes, never by a declared content type or file name: an
 * HLS playlist or concat list posing as a video matches none of them. Each names the one FFmpeg demuxer
 * that may open it.
 */
public enum SourceFormat {
    JPEG("jpeg_pipe", false),
    PNG("png_pipe", false),
    WEBP("webp_pipe", false),
    /** ISO base media (MP4) and QuickTime (MOV): FFmpeg's one {@code mov} demuxer reads both. */
    MP4("mov", true);

    private final String demuxer;
    private final boolean video;

    SourceFormat(String demuxer, boolean video) {
        this.demuxer = demuxer;
        this.video = video;
    }

    /** @return the FFmpeg demuxer's short name: the only one allowed to open this upload */
    public String demuxer() {
        return demuxer;
    }

    public boolean isVideo() {
        return video;
    }

    /**
     * @param upload the upload's first bytes (at least 12 for a match); read without moving its indexes
     * @return the type its magic bytes show, if it is one of the accepted types
     */
    public static Optional<SourceFormat> sniff(ByteBuf upload) {
        int at = upload.readerIndex();
        int length = upload.readableBytes();
        if (length >= 3 && (upload.getByte(at) & 0xFF) == 0xFF && (upload.getByte(at + 1) & 0xFF) == 0xD8
                && (upload.getByte(at + 2) & 0xFF) == 0xFF) {
            return Optional.of(JPEG);
        }
        if (length >= 8 && upload.getLong(at) == 0x89504E470D0A1A0AL) {
            return Optional.of(PNG);
        }
        if (length >= 12 && ascii(upload, at, 4).equals("RIFF") && ascii(upload, at + 8, 4).equals("WEBP")) {
            return Optional.of(WEBP);
        }
        if (length >= 12) {
            String box = ascii(upload, at + 4, 4);
            // Every MP4 starts with its ftyp box; old QuickTime files may start with another top-level box.
            if (box.equals("ftyp") || box.equals("moov") || box.equals("mdat") || box.equals("wide") || box.equals("free")) {
                return Optional.of(MP4);
            }
        }
        return Optional.empty();
    }

    private static String ascii(ByteBuf buffer, int at, int length) {
        return buffer.toString(at, length, StandardCharsets.ISO_8859_1);
    }
}
