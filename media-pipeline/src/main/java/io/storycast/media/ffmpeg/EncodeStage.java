package io.storycast.media.ffmpeg;

import io.storycast.media.MediaRejectedException;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_clone;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_clone;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;

/**
 * The encoding half of a video job, on a thread of its own: the job's thread demuxes, decodes and scales
 * while this one encodes and muxes the frames before, so the two halves overlap instead of taking turns
 * (each also runs FFmpeg's own threads inside). Pictures (for one output) and sound (copied packets or
 * decoded frames, for every output) cross over as references (no copy) through a short queue, which holds
 * the decoder back when the encoder lags.
 *
 * <p>Until {@link #finish()} or {@link #close()} returns, only this stage's thread touches the
 * {@link SegmentedOutput}s and the sound's encoders ({@link AacAudio#encode}); afterwards (the thread joined)
 * only the job's thread does.
 *
 * <p>Ownership: every queued reference is freed by the stage, whether it was encoded or dropped after a
 * failure; the outputs stay the job's.
 */
final class EncodeStage implements AacAudio.Sink, AutoCloseable {
    /** Enough to smooth out the two halves' jitter; each queued 720x1280 frame holds 1.4 MB. */
    private static final int QUEUE_ITEMS = 16;

    /** A picture for one output ({@code output} its index), or sound for all ({@code output} -1), or the end. */
    private record Item(int output, AVFrame frame, AVPacket packet) {
    }

    private static final Item END = new Item(-1, null, null);

    private final List<SegmentedOutput> outputs;
    private final AacAudio sound;
    private final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(QUEUE_ITEMS);
    private final Thread thread;
    private volatile Throwable failure;
    private volatile boolean aborted;
    private boolean ended;

    /**
     * @param outputs the job's outputs
     * @param sound   the job's sound, which encodes decoded frames once for all outputs; null when silent
     */
    EncodeStage(List<SegmentedOutput> outputs, AacAudio sound) {
        this.outputs = List.copyOf(outputs);
        this.sound = sound;
        this.thread = new Thread(this::run, "storycast-video-encode");
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues a reference to {@code frame} for output {@code output}; the caller keeps its own. */
    void video(int output, AVFrame frame) throws MediaRejectedException {
        AVFrame reference = av_frame_clone(frame);
        if (reference == null) {
            throw new OutOfMemoryError("cannot reference a frame");
        }
        put(new Item(output, reference, null));
    }

    /** Queues a reference to a copied audio packet for every output; the caller keeps its own. */
    @Override
    public void audioPacket(AVPacket packet) throws MediaRejectedException {
        AVPacket reference = av_packet_clone(packet);
        if (reference == null) {
            throw new OutOfMemoryError("cannot reference an audio packet");
        }
        put(new Item(-1, null, reference));
    }

    /** Queues a reference to decoded sound for every output; the caller keeps its own. */
    @Override
    public void audioFrame(AVFrame frame) throws MediaRejectedException {
        AVFrame reference = av_frame_clone(frame);
        if (reference == null) {
            throw new OutOfMemoryError("cannot reference an audio frame");
        }
        put(new Item(-1, reference, null));
    }

    private void put(Item item) throws MediaRejectedException {
        try {
            rethrowFailure();
            queue.put(item);
        } catch (InterruptedException e) {
            free(item);
            Thread.currentThread().interrupt();
            throw new CancellationException("the video job was interrupted");
        } catch (MediaRejectedException | RuntimeException | Error e) {
            free(item);
            throw e;
        }
    }

    /** Waits until everything queued is encoded; rethrows what the encoding failed with. */
    void finish() throws MediaRejectedException {
        end();
        rethrowFailure();
    }

    private void run() {
        while (true) {
            Item item;
            try {
                item = queue.take();
            } catch (InterruptedException e) {
                continue; // only close() ends this thread, through END
            }
            if (item == END) {
                return;
            }
            try {
                if (failure == null && !aborted) {
                    encode(item);
                }
            } catch (Throwable t) {
                failure = t; // the job's thread rethrows it; this one keeps freeing what comes
            } finally {
                free(item);
            }
        }
    }

    private void encode(Item item) throws MediaRejectedException {
        if (item.output() >= 0) {
            outputs.get(item.output()).video(item.frame());
            return;
        }
        if (item.packet() != null) {
            for (SegmentedOutput output : outputs) {
                output.audioPacket(item.packet());
            }
            return;
        }
        sound.encode(item.frame()); // once per distinct format, into every output's cut
        for (SegmentedOutput output : outputs) {
            output.audioEncoded();
        }
    }

    private static void free(Item item) {
        if (item.frame() != null) {
            av_frame_free(item.frame());
        }
        if (item.packet() != null) {
            av_packet_free(item.packet());
        }
    }

    private void rethrowFailure() throws MediaRejectedException {
        Throwable failed = failure;
        if (failed instanceof MediaRejectedException rejected) {
            throw rejected;
        }
        if (failed instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failed instanceof Error error) {
            throw error;
        }
    }

    /** Queues the end and waits for the thread, interrupted or not. */
    private void end() {
        if (ended) {
            return;
        }
        ended = true;
        boolean interrupted = false;
        while (true) {
            try {
                queue.put(END);
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the thread, dropping (and freeing) what is still queued. */
    @Override
    public void close() {
        aborted = true;
        end();
    }
}
