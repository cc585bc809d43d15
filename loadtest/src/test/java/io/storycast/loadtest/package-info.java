/**
 * Gatling simulations of Storycast for SREs (Java DSL, open injection model): {@code IngestSimulation},
 * {@code FanoutSimulation}, {@code TrayReadSimulation}, {@code MediaUploadSimulation}, {@code LiveSimulation},
 * {@code MixedSimulation}, {@code SeedSimulation}, and {@code SmokeSimulation}, which {@code mvn verify} runs. Every
 * parameter is a system property ({@link io.storycast.loadtest.Params}); the README's "For SREs: load tests" lists
 * them and tells how to read a report.
 *
 * <p>Shared parts: {@link io.storycast.loadtest.Target} (the gateway under load, or one the run starts),
 * {@link io.storycast.loadtest.Load} (the open injection profile), {@link io.storycast.loadtest.SeededRun} and
 * {@link io.storycast.loadtest.Seeding} (power-law audiences through the bulk API),
 * {@link io.storycast.loadtest.FanoutProbe} (post, then watch a tray until the story shows),
 * {@link io.storycast.loadtest.Requests} (the API calls, checked), {@link io.storycast.loadtest.Json} (every request
 * body, by Jackson) and {@link io.storycast.loadtest.Timings} (measurements that span several requests).
 *
 * <p><b>Copies of the gateway's test support, on purpose.</b> This module has no Maven dependency on the gateway,
 * not even on its test jar: an SRE runs {@code mvn -pl loadtest gatling:test} on a fresh clone against any deployed
 * gateway, of any version, without building or installing the gateway first, and what the load tool sends must
 * follow the documented API rather than the gateway's classes. So a few helpers repeat what the gateway's tests
 * have, written again from the README and docs/EVENTS.md: {@link io.storycast.loadtest.LocalGateway} (the gateway's
 * {@code ForkedGateway}: the jar in a process of its own, ready once it logs its port),
 * {@link io.storycast.loadtest.LiveTokens} ({@code LiveTokensForTests}: HS256 subscriber tokens),
 * {@link io.storycast.loadtest.StoryEventsFactory} ({@code StoryEvents}: valid story events), and
 * {@link io.storycast.loadtest.MediaSamples} with {@link io.storycast.loadtest.MotionJpegMp4} (real JPEGs and MP4s
 * made with the JDK alone, where the media pipeline's tests use FFmpeg). Keep them in step with the API, not with
 * the gateway's copies.
 */
package io.storycast.loadtest;
