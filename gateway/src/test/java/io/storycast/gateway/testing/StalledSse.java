package io.storycast.gateway.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An SSE client of {@code /v1/live/{platform}/{subscriberId}} on a plain loopback socket with a small receive
 * buffer, for what an SSE library would not do: it reads up to a marker and then reads nothing, so the server's
 * writes pile up (a phone that stopped reading).
 */
public final class StalledSse {
    private StalledSse() {
    }

    /**
     * Opens an Instagram stream for {@code subscriberId} with a valid token and {@code extraHeader} (a whole header
     * line without its line end), reads until {@code readUntil} arrived, checks the status was 200, and returns the
     * socket, which the caller closes.
     */
    public static Socket open(int port, String subscriberId, String token, String extraHeader, String readUntil)
            throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.getOutputStream().write(("GET /v1/live/instagram/" + subscriberId + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Authorization: Bearer " + token + "\r\n" + extraHeader + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        socket.setSoTimeout(15_000);
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).contains(readUntil)) {
            int b = in.read();
            assertThat(b).as("the stream up to %s", readUntil).isNotNegative();
            head.write(b);
        }
        assertThat(head.toString(StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 200");
        return socket;
    }
}
