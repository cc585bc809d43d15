package io.storycast.media.ffmpeg;

import io.storycast.media.MediaRejectedException;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVRational;

import java.util.ArrayDeque;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_clone;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;

/**
 * One rendition's AAC packets on their way into its segments. A packet is held until the rendition's pictures
 * have passed its end, and written then: the video's end is known only when its last picture is out, and
 * the sound must stop there, so a packet that might still fall past it is not written yet.
 * {@link #end(long, Writer)} then writes what starts before the end, the last one cut to end exactly there
 * (its duration shortened, which is what the MP4's sample table and {@code ffprobe} read).
 *
 * <p>Packets arrive in order, each with the segment it belongs to and its time on the source's timeline;
 * their {@code pts} already counts from their segment's start. What is held is what the sound runs ahead
 * of the pictures, about a second in a file whose streams are interleaved as the {@code mov} demuxer reads
 * them; sound more than {@link #MAX_LEAD_SECONDS} ahead is dropped (only a video that ended, or stopped
 * decoding, leaves its sound that far behind), which bounds what a hostile file can make us hold.
 *
 * <p>Ownership: holds a reference to each held packet; written ones go to the {@link Writer} (whose muxer
 * takes their data), dropped ones and {@link #close()} free them.
 */
final class AudioCut implements AutoCloseable {
    /** Writes a packet into a segment's file, {@code pts} from the segment's start; may take its data. */
    @FunctionalInterface
    interface Writer {
        void write(int segment, AVPacket packet, AVRational timeBase) throws MediaRejectedException;
    }

    /** Sound further than this ahead of the pictures is dropped. */
    static final long MAX_LEAD_SECONDS = 30;

    private record Held(int segment, long start, AVPacket packet) {
        long end() {
            return start + Math.max(1, packet.duration());
        }
    }

    private final AVRational timeBase;
    private final long ticksNum;
    private final long ticksDen;
    private final long maxLead;
    private final ArrayDeque<Held> held = new ArrayDeque<>();
    /** Every segment before this one has all its packets (held or written). */
    private int arrivedSegment;
    /** How far the pictures have come, in {@code timeBase}. */
    private long reach;

    /**
     * @param timeBase        the packets' time base (owned by the caller, outlives this)
     * @param framesPerSecond the rendition's frame rate, to turn a number of pictures into time
     */
    AudioCut(AVRational timeBase, int framesPerSecond) {
        this.timeBase = timeBase;
        this.ticksNum = timeBase.den();
        this.ticksDen = (long) framesPerSecond * timeBase.num();
        this.maxLead = MAX_LEAD_SECONDS * timeBase.den() / timeBase.num();
    }

    /**
     * Takes a reference to {@code packet} (the caller keeps its own).
     *
     * @param segment the segment it belongs to, not less than the last one's
     * @param start   where it starts on the source's timeline, in the time base
     */
    void add(int segment, long start, AVPacket packet) {
        advance(segment);
        if (start - reach > maxLead) {
            return;
        }
        AVPacket reference = av_packet_clone(packet);
        if (reference == null) {
            throw new OutOfMemoryError("cannot reference an audio packet");
        }
        held.add(new Held(segment, start, reference));
    }

    /** Tells that every segment before {@code segment} has all its packets. */
    void advance(int segment) {
        arrivedSegment = Math.max(arrivedSegment, segment);
    }

    /** The rendition's pictures now number {@code frames}: writes every held packet that ends by then. */
    void reached(long frames, Writer writer) throws MediaRejectedException {
        reach = ticks(frames);
        commit(writer);
    }

    /** Writes every held packet that ends before the pictures' reach. */
    void commit(Writer writer) throws MediaRejectedException {
        while (!held.isEmpty() && held.peek().end() <= reach) {
            write(held.poll(), Long.MAX_VALUE, writer);
        }
    }

    /**
     * The video ended after {@code frames} pictures: writes what starts before its end, the last packet
     * shortened to end there, and drops the rest.
     */
    void end(long frames, Writer writer) throws MediaRejectedException {
        long end = ticks(frames);
        arrivedSegment = Integer.MAX_VALUE;
        while (!held.isEmpty()) {
            write(held.poll(), end, writer);
        }
    }

    /** @return whether every packet of {@code segment} has been written */
    boolean complete(int segment) {
        return segment < arrivedSegment && (held.isEmpty() || held.peek().segment() > segment);
    }

    private void write(Held packet, long end, Writer writer) throws MediaRejectedException {
        try {
            if (packet.start() >= end) {
                return;
            }
            if (packet.start() + packet.packet().duration() > end) {
                packet.packet().duration(end - packet.start());
            }
            writer.write(packet.segment(), packet.packet(), timeBase);
        } finally {
            av_packet_free(packet.packet());
        }
    }

    private long ticks(long frames) {
        return frames * ticksNum / ticksDen;
    }

    @Override
    public void close() {
        held.forEach(packet -> av_packet_free(packet.packet()));
        held.clear();
    }
}
