/**
 * A JNA binding to a system OpenH264 ({@code libopenh264.so.7}) for the video path's H.264: the library
 * ({@link io.storycast.media.openh264.OpenH264Library}, checked before it is trusted), one encoder
 * ({@link io.storycast.media.openh264.OpenH264Encoder}) and its settings. It knows nothing of FFmpeg; the
 * transcoder's {@code SystemH264Encoder} adapts it to frames and packets.
 */
package io.storycast.media.openh264;
