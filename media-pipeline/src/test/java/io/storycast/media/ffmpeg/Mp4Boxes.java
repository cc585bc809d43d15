package io.storycast.media.ffmpeg;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * An MP4's box structure, walked independently of FFmpeg: the top-level boxes in file order, every box
 * type inside {@code moov} (descending into the container boxes), and where a box is, for tests that
 * patch a header so it lies.
 */
final class Mp4Boxes {
    /** Boxes that hold boxes (ISO/IEC 14496-12 and the QuickTime metadata boxes). */
    private static final Set<String> CONTAINERS = Set.of("moov", "trak", "mdia", "minf", "stbl", "edts", "udta", "dinf", "mvex");

    /** A box: its type, where it starts and its size in bytes, header included. */
    record Box(String type, int offset, int size) {
    }

    private Mp4Boxes() {
    }

    /** @return the top-level boxes in file order */
    static List<Box> topLevel(ByteBuf mp4) {
        return children(mp4, mp4.readerIndex(), mp4.writerIndex());
    }

    /** @return every box in {@code moov}, depth first, in file order */
    static List<Box> inMoov(ByteBuf mp4) {
        List<Box> all = new ArrayList<>();
        for (Box box : topLevel(mp4)) {
            if (box.type().equals("moov")) {
                walk(mp4, box, all);
            }
        }
        return all;
    }

    /** @return the boxes of a type in {@code moov}, in file order */
    static List<Box> find(ByteBuf mp4, String type) {
        return inMoov(mp4).stream().filter(box -> box.type().equals(type)).toList();
    }

    private static void walk(ByteBuf mp4, Box box, List<Box> all) {
        all.add(box);
        if (CONTAINERS.contains(box.type())) {
            for (Box child : children(mp4, box.offset() + 8, box.offset() + box.size())) {
                walk(mp4, child, all);
            }
        }
    }

    private static List<Box> children(ByteBuf mp4, int from, int to) {
        List<Box> boxes = new ArrayList<>();
        for (int at = from; at + 8 <= to; ) {
            long size = mp4.getUnsignedInt(at);
            if (size == 1) {
                size = mp4.getLong(at + 8);
            } else if (size == 0) {
                size = to - at;
            }
            if (size < 8 || at + size > to) {
                throw new AssertionError("malformed box at " + at + " (" + size + " bytes)");
            }
            boxes.add(new Box(mp4.toString(at + 4, 4, StandardCharsets.ISO_8859_1), at, (int) size));
            at += (int) size;
        }
        return boxes;
    }
}
