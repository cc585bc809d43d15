package io.storycast.media.probe;

import io.netty.buffer.ByteBuf;

/**
 * The EXIF orientation of a JPEG (tag 0x0112 in IFD0 of its APP1 "Exif" segment): how a camera says the
 * stored pixels must be turned to stand upright. 1 is upright; 6 (the usual portrait phone photo) means
 * turn 90 degrees clockwise. Read from the bytes so it does not depend on what a decoder exports.
 */
public final class ExifOrientation {
    /** Upright: the stored pixels are shown as they are. */
    public static final int UPRIGHT = 1;

    private ExifOrientation() {
    }

    /**
     * @param jpeg a JPEG upload; read without moving its indexes
     * @return 1 to 8; {@link #UPRIGHT} when there is no EXIF orientation or it is malformed
     */
    public static int of(ByteBuf jpeg) {
        try {
            int at = jpeg.readerIndex() + 2;
            int end = jpeg.writerIndex();
            while (at + 4 <= end && (jpeg.getByte(at) & 0xFF) == 0xFF) {
                int marker = jpeg.getByte(at + 1) & 0xFF;
                int length = jpeg.getUnsignedShort(at + 2);
                if (marker == 0xDA || marker == 0xD9 || length < 2) {
                    return UPRIGHT;
                }
                if (marker == 0xE1 && length >= 8 && jpeg.getInt(at + 4) == 0x45786966) { // "Exif"
                    return fromTiff(jpeg, at + 10, at + 2 + length);
                }
                at += 2 + length;
            }
        } catch (IndexOutOfBoundsException truncated) {
            return UPRIGHT;
        }
        return UPRIGHT;
    }

    private static int fromTiff(ByteBuf jpeg, int tiff, int end) {
        boolean littleEndian = jpeg.getShort(tiff) == 0x4949; // "II"
        int ifd = tiff + (int) unsignedInt(jpeg, tiff + 4, littleEndian);
        int entries = unsignedShort(jpeg, ifd, littleEndian);
        for (int entry = 0; entry < entries; entry++) {
            int at = ifd + 2 + 12 * entry;
            if (at + 12 > end) {
                return UPRIGHT;
            }
            if (unsignedShort(jpeg, at, littleEndian) == 0x0112) {
                int value = unsignedShort(jpeg, at + 8, littleEndian);
                return value >= 1 && value <= 8 ? value : UPRIGHT;
            }
        }
        return UPRIGHT;
    }

    private static int unsignedShort(ByteBuf buffer, int at, boolean littleEndian) {
        return littleEndian ? buffer.getUnsignedShortLE(at) : buffer.getUnsignedShort(at);
    }

    private static long unsignedInt(ByteBuf buffer, int at, boolean littleEndian) {
        return littleEndian ? buffer.getUnsignedIntLE(at) : buffer.getUnsignedInt(at);
    }

    /**
     * @param orientation 1 to 8
     * @return the FFmpeg filters that turn the stored pixels upright, e.g. {@code transpose=clock}; empty for 1
     */
    public static String uprightFilters(int orientation) {
        return switch (orientation) {
            case 2 -> "hflip";
            case 3 -> "hflip,vflip";
            case 4 -> "vflip";
            case 5 -> "transpose=cclock_flip"; // a true transpose: mirror along the main diagonal
            case 6 -> "transpose=clock";
            case 7 -> "transpose=clock_flip"; // mirror along the other diagonal
            case 8 -> "transpose=cclock";
            default -> "";
        };
    }
}
