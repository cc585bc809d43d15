/**
 * Story media: platform profiles, probing and limits, the FFmpeg transcoder and the rendition store.
 * It knows nothing of Vert.x routes; the gateway's media routes adapt it.
 *
 * <p>Not built yet: this module exists so the reactor has its final shape. The media pipeline issue
 * fills it.
 */
package io.storycast.media;
