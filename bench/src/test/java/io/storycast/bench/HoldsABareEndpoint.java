package io.storycast.bench;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * A main for {@link GatewayProcessTest}: starts a bare endpoint in a JVM of its own through {@link GatewayProcess},
 * prints {@code child <pid>}, and waits to be stopped, as a benchmark main would while it measures.
 */
final class HoldsABareEndpoint {
    private HoldsABareEndpoint() {
    }

    /** @param args the bare endpoint's log file */
    public static void main(String[] args) throws Exception {
        GatewayProcess bare = GatewayProcess.startBareEndpoint("", 1, Path.of(args[0]));
        System.out.println("child " + bare.handle().pid());
        System.out.flush();
        new CountDownLatch(1).await(); // until this JVM is stopped
    }
}
