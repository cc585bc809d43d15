package io.storycast.media.ffmpeg;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Rewrites a finished MP4 with its {@code moov} box first, as qt-faststart does, so that a player can start
 * before the whole file has arrived; and drops {@code moov}'s {@code udta} box on the way, so that not
 * even an empty metadata box is left (FFmpeg's mp4 muxer always writes an iTunes {@code udta/meta}).
 *
 * <p>Why here and not in the muxer: {@code movflags=+faststart} makes FFmpeg reopen its output by URL to
 * read it back, which custom IO ({@link NativeOutput}) has not; and {@code moov_size} reserves a guessed
 * number of bytes up front, which fails the job when the guess is short and wastes bytes when it is long.
 * Moving the finished box is exact: each other top-level box moves as a whole, and every chunk offset
 * ({@code stco}/{@code co64} of every track) is moved with the box it points into. It costs one
 * native-to-native copy of the file.
 */
final class MoovFirst {
    private record Box(String type, int offset, int size) {
    }

    private MoovFirst() {
    }

    /**
     * Takes ownership of {@code mp4} (releases it).
     *
     * @param mp4 a finished MP4 file, readable from index 0 (as {@link NativeOutput#take()} returns it)
     * @return the same file with {@code moov} (less its {@code udta}) before every other box but
     *         {@code ftyp}; the caller releases it
     * @throws IllegalStateException when the file is not the well-formed MP4 FFmpeg writes
     */
    static ByteBuf relocate(ByteBuf mp4, ByteBufAllocator allocator) {
        try {
            List<Box> top = children(mp4, 0, mp4.writerIndex());
            Box moov = top.stream().filter(box -> box.type().equals("moov")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("the muxer wrote no moov box"));
            if (mp4.getUnsignedInt(moov.offset()) == 1) {
                throw new IllegalStateException("a moov box of 4 GiB or more");
            }
            List<Box> moovChildren = children(mp4, moov.offset() + 8, moov.offset() + moov.size());
            int moovSize = 8 + moovChildren.stream().filter(box -> !box.type().equals("udta")).mapToInt(Box::size).sum();

            ByteBuf out = allocator.directBuffer(mp4.writerIndex(), mp4.writerIndex());
            try {
                // ftyp stays first (it names the brands a reader checks first), then moov, then the rest.
                List<Box> order = new ArrayList<>();
                top.stream().filter(box -> box.type().equals("ftyp")).forEach(order::add);
                order.add(moov);
                top.stream().filter(box -> !box.type().equals("ftyp") && !box.type().equals("moov")).forEach(order::add);
                int[] newOffsets = new int[top.size()];
                int newMoov = 0;
                for (Box box : order) {
                    if (box == moov) {
                        newMoov = out.writerIndex();
                        out.writeInt(moovSize).writeBytes(mp4, moov.offset() + 4, 4);
                        moovChildren.stream().filter(child -> !child.type().equals("udta"))
                                .forEach(child -> out.writeBytes(mp4, child.offset(), child.size()));
                    } else {
                        newOffsets[top.indexOf(box)] = out.writerIndex();
                        out.writeBytes(mp4, box.offset(), box.size());
                    }
                }
                moveChunkOffsets(out, newMoov + 8, newMoov + moovSize, top, newOffsets);
            } catch (RuntimeException e) {
                out.release();
                throw e;
            }
            return out;
        } finally {
            mp4.release();
        }
    }

    /** Moves every chunk offset in the boxes between {@code from} and {@code to} with the box it points into. */
    private static void moveChunkOffsets(ByteBuf mp4, int from, int to, List<Box> oldTop, int[] newOffsets) {
        for (Box box : children(mp4, from, to)) {
            int header = 8;
            switch (box.type()) {
                case "trak", "mdia", "minf", "stbl" -> moveChunkOffsets(mp4, box.offset() + header, box.offset() + box.size(), oldTop, newOffsets);
                case "stco", "co64" -> {
                    boolean wide = box.type().equals("co64");
                    long count = mp4.getUnsignedInt(box.offset() + header + 4);
                    if (header + 8 + count * (wide ? 8 : 4) > box.size()) {
                        throw new IllegalStateException("a chunk offset table longer than its box");
                    }
                    for (int i = 0; i < count; i++) {
                        int entry = box.offset() + header + 8 + (wide ? 8 : 4) * i;
                        long moved = moved(wide ? mp4.getLong(entry) : mp4.getUnsignedInt(entry), oldTop, newOffsets);
                        if (wide) {
                            mp4.setLong(entry, moved);
                        } else {
                            mp4.setInt(entry, (int) moved);
                        }
                    }
                }
                default -> {
                    // no file offsets in other boxes
                }
            }
        }
    }

    private static long moved(long offset, List<Box> oldTop, int[] newOffsets) {
        for (int i = 0; i < oldTop.size(); i++) {
            Box box = oldTop.get(i);
            if (!box.type().equals("moov") && offset >= box.offset() && offset < (long) box.offset() + box.size()) {
                return newOffsets[i] + (offset - box.offset());
            }
        }
        throw new IllegalStateException("a chunk offset " + offset + " points outside every data box");
    }

    private static List<Box> children(ByteBuf mp4, int from, int to) {
        List<Box> boxes = new ArrayList<>();
        for (int at = from; at < to; ) {
            if (at + 8 > to) {
                throw new IllegalStateException("a box header is cut short at " + at);
            }
            long size = mp4.getUnsignedInt(at);
            if (size == 1) {
                size = mp4.getLong(at + 8);
            } else if (size == 0) {
                size = to - at;
            }
            if (size < 8 || at + size > to) {
                throw new IllegalStateException("the box at " + at + " claims " + size + " bytes");
            }
            boxes.add(new Box(mp4.toString(at + 4, 4, StandardCharsets.ISO_8859_1), at, (int) size));
            at += (int) size;
        }
        return boxes;
    }
}
