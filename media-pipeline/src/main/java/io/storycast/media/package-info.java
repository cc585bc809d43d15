/**
 * Story media: platform profiles ({@code profile}), type and header checks before any decoding
 * ({@code probe}), and the in-process FFmpeg transcoder over off-heap buffers ({@code ffmpeg}). It knows
 * nothing of Vert.x routes; the gateway's media routes adapt it.
 */
package io.storycast.media;
