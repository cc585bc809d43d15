package io.storycast.media.probe;

import io.netty.buffer.ByteBuf;

/** What every reader of MP4 boxes in this package needs: a box's size, checked against where its parent ends. */
final class Mp4Boxes {
    private Mp4Boxes() {
    }

    /**
     * @param mp4 the file's bytes (read only; the caller owns and releases them)
     * @param at  where the box starts, an index into {@code mp4}
     * @param to  where its parent (or the file) ends, exclusive
     * @return the size of the box at {@code at} in bytes (a 64-bit size when the 32-bit one is 1, the rest of the
     *         parent when it is 0), or 0 when it is malformed or runs past {@code to}
     */
    static long size(ByteBuf mp4, int at, int to) {
        long size = mp4.getUnsignedInt(at);
        if (size == 1) {
            size = at + 16 <= to ? mp4.getLong(at + 8) : 0;
        } else if (size == 0) {
            size = to - at;
        }
        return size < 8 || at + size > to ? 0 : size;
    }
}
