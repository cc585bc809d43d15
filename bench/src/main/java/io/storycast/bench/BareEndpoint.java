package io.storycast.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * The floor under HTTP ingest: a Vert.x server that reads each request's body and answers {@code 202}
 * with no body, nothing else (no parsing, no authentication, no Redis). It listens as the gateway does
 * (HTTP/1.1 and h2c on one loopback port, {@code TCP_NODELAY}, one verticle per event loop sharing the
 * port), so the comparison run drives it with the same load, from the same load JVM, and the ratio of the
 * gateway's rate to this one's is what the gateway's own work costs.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.storycast.bench.BareEndpoint [--instances 2] [--port 0]</pre>
 * Logs {@code listening on http://127.0.0.1:<port>} once ready; stops on SIGTERM.
 */
public final class BareEndpoint extends VerticleBase {
    private final int port;
    private HttpServer server;

    private BareEndpoint(int port) {
        this.port = port;
    }

    public static void main(String[] args) throws Exception {
        Arguments options = Arguments.parse(args);
        int instances = options.integer("instances", Runtime.getRuntime().availableProcessors());
        int requested = options.integer("port", 0);
        options.requireKnown();
        // One port for every instance, chosen first: Vert.x would give each instance its own random port.
        int port = requested != 0 ? requested : freePort();
        Vertx vertx = Vertx.vertx();
        vertx.deployVerticle(() -> new BareEndpoint(port), new DeploymentOptions().setInstances(instances)).await();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> vertx.close().await(), "bare-endpoint-stop"));
        System.out.printf("bare endpoint listening on http://127.0.0.1:%d with %d event loops%n", port, instances);
    }

    @Override
    public Future<?> start() {
        server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port)
                        .setHttp2ClearTextEnabled(true).setTcpNoDelay(true))
                .requestHandler(request -> request.body().onComplete(body -> request.response().setStatusCode(202).end()));
        return server.listen();
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }
}
