/**
 * Story media: platform profiles ({@code profile}), type and header checks before any decoding
 * ({@code probe}), the in-process FFmpeg transcoder over off-heap buffers ({@code ffmpeg}) and its binding
 * to a system OpenH264 ({@code openh264}). It knows nothing of Vert.x routes; the gateway's media routes
 * adapt it.
 */
package io.storycast.media;
