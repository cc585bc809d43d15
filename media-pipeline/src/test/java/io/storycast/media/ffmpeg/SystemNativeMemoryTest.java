package io.storycast.media.ffmpeg;

import io.storycast.media.openh264.OpenH264Library;
import org.junit.jupiter.api.Tag;

/**
 * {@link NativeMemoryTest} with the video jobs encoding through the system's OpenH264 (the
 * {@code with-media-tools} profile, which installs it): a thousand jobs, each making and closing encoders
 * through the JNA binding, leave the native floor where it was.
 */
@Tag("media-tools")
class SystemNativeMemoryTest extends NativeMemoryTest {
    @Override
    H264Encoders encoders() {
        return H264Encoders.system(OpenH264Library.DEFAULT_LIBRARY);
    }
}
