package io.storycast.media.ffmpeg;

import io.storycast.media.MediaRejectedException;
import org.bytedeco.ffmpeg.avcodec.AVPacket;

/**
 * Receives each packet an encoder makes. It may take the packet's data (as the muxer does); whatever is left is
 * unref'd after the call, so a sink that keeps the packet takes its own reference.
 */
@FunctionalInterface
interface PacketSink {
    void accept(AVPacket packet) throws MediaRejectedException;
}
