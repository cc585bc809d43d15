package io.storycast.media.ffmpeg;

import io.storycast.media.MediaProblem;
import io.storycast.media.MediaRejectedException;

import java.nio.charset.StandardCharsets;

import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

/** FFmpeg's negative error codes as text and as typed rejections. */
final class FfmpegErrors {
    /** {@code AVERROR(EAGAIN)} on Linux: the codec wants more input (or output drained) before it answers. */
    static final int AGAIN = -11;

    private FfmpegErrors() {
    }

    /** @return FFmpeg's description of an error code */
    static String describe(int code) {
        byte[] text = new byte[256];
        av_strerror(code, text, text.length);
        int length = 0;
        while (length < text.length && text[length] != 0) {
            length++;
        }
        return new String(text, 0, length, StandardCharsets.UTF_8);
    }

    /** @return a rejection for input FFmpeg could not read: {@code what} failed with {@code code} */
    static MediaRejectedException corrupt(String what, int code) {
        return new MediaRejectedException(MediaProblem.CORRUPT, what + ": " + describe(code));
    }
}
