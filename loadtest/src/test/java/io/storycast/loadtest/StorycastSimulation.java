package io.storycast.loadtest;

import io.gatling.javaapi.core.Simulation;

import java.util.List;

/**
 * What every simulation shares: the {@link Target} (a running gateway, or one the run starts), the printing of
 * every parameter the run used before it starts, and at the end the gateway's own stage latencies (when its
 * management listener is known) and the stop of a gateway the run started.
 */
abstract class StorycastSimulation extends Simulation {
    /** The stages printed at the end of a run, in the order data flows through them. */
    private static final List<String> STAGES = List.of("http.ingest", "queue.wait", "fanout.story", "tray.write", "e2e.tray",
            "media.transcode.image", "media.transcode.video", "redis.roundtrip");

    protected final Target target = Target.fromParams();

    @Override
    public void before() {
        Params.print(getClass().getSimpleName());
    }

    @Override
    public void after() {
        target.printGatewayStages(STAGES);
        target.close();
    }
}
