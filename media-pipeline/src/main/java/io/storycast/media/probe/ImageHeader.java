package io.storycast.media.probe;

import io.netty.buffer.ByteBuf;

import java.util.Optional;

/**
 * An image's dimensions read from its header alone, before any decoder allocates a frame for it: a JPEG
 * that claims 15000x15000 in a few hundred bytes is refused here instead of costing 337 MB to decode.
 * Reads JPEG (the first SOF marker), PNG (IHDR) and WebP (VP8, VP8L or VP8X chunk).
 *
 * @param width  pixels, at least 1
 * @param height pixels, at least 1
 */
public record ImageHeader(int width, int height) {

    /** @return width times height */
    public long pixels() {
        return (long) width * height;
    }

    /**
     * @param format the sniffed type (not MP4)
     * @param upload the whole upload; read without moving its indexes
     * @return the dimensions, or empty when the header is cut short or malformed
     */
    public static Optional<ImageHeader> read(SourceFormat format, ByteBuf upload) {
        try {
            return switch (format) {
                case JPEG -> jpeg(upload);
                case PNG -> png(upload);
                case WEBP -> webp(upload);
                case MP4 -> Optional.empty();
            };
        } catch (IndexOutOfBoundsException truncated) {
            return Optional.empty();
        }
    }

    private static Optional<ImageHeader> jpeg(ByteBuf upload) {
        int at = upload.readerIndex() + 2;
        int end = upload.writerIndex();
        while (at + 4 <= end) {
            if ((upload.getByte(at) & 0xFF) != 0xFF) {
                return Optional.empty();
            }
            int marker = upload.getByte(at + 1) & 0xFF;
            if (marker == 0xFF) {
                at++; // fill byte
                continue;
            }
            int length = upload.getUnsignedShort(at + 2);
            boolean startOfFrame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if (startOfFrame) {
                return valid(upload.getUnsignedShort(at + 7), upload.getUnsignedShort(at + 5));
            }
            if (marker == 0xD9 || marker == 0xDA || length < 2) {
                return Optional.empty(); // end of image or start of scan before any frame header
            }
            at += 2 + length;
        }
        return Optional.empty();
    }

    private static Optional<ImageHeader> png(ByteBuf upload) {
        int at = upload.readerIndex() + 8;
        if (upload.getInt(at + 4) != 0x49484452) { // "IHDR"
            return Optional.empty();
        }
        return valid(upload.getInt(at + 8), upload.getInt(at + 12));
    }

    private static Optional<ImageHeader> webp(ByteBuf upload) {
        int chunk = upload.readerIndex() + 12;
        int fourCc = upload.getInt(chunk);
        int data = chunk + 8;
        if (fourCc == 0x56503858) { // "VP8X": 24-bit canvas width and height, minus one, little-endian
            return valid(upload.getUnsignedMediumLE(data + 4) + 1, upload.getUnsignedMediumLE(data + 7) + 1);
        }
        if (fourCc == 0x5650384C) { // "VP8L": signature 0x2F, then 14-bit width-1 and height-1
            long bits = upload.getUnsignedIntLE(data + 1);
            return valid((int) (bits & 0x3FFF) + 1, (int) ((bits >> 14) & 0x3FFF) + 1);
        }
        if (fourCc == 0x56503820) { // "VP8 ": frame tag, start code, then 14-bit width and height
            return valid(upload.getUnsignedShortLE(data + 6) & 0x3FFF, upload.getUnsignedShortLE(data + 8) & 0x3FFF);
        }
        return Optional.empty();
    }

    private static Optional<ImageHeader> valid(int width, int height) {
        return width > 0 && height > 0 ? Optional.of(new ImageHeader(width, height)) : Optional.empty();
    }
}
