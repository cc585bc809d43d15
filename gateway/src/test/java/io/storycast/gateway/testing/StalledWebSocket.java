package io.storycast.gateway.testing;

import io.vertx.core.json.JsonObject;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client of {@code /v1/live/ws} on a plain loopback socket with a small receive buffer, for what a
 * WebSocket library would not do: it completes the handshake, subscribes, reads up to its {@code subscribed} frame
 * and then reads nothing, so the server's writes pile up. It never answers a close frame.
 */
public final class StalledWebSocket implements AutoCloseable {
    private final Socket socket;
    private final int serverPort;

    private StalledWebSocket(Socket socket, int serverPort) {
        this.socket = socket;
        this.serverPort = serverPort;
    }

    /** Opens the socket, sends {@code subscribe} (a masked text frame, as a client must) and reads until subscribed. */
    public static StalledWebSocket subscribe(int port, JsonObject subscribe) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setReceiveBufferSize(4096);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(15_000);
            byte[] nonce = new byte[16];
            ThreadLocalRandom.current().nextBytes(nonce);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /v1/live/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String head = readUntil(socket.getInputStream(), "\r\n\r\n");
            if (!head.startsWith("HTTP/1.1 101")) {
                throw new AssertionError("not upgraded: " + head);
            }
            out.write(maskedTextFrame(subscribe.encode().getBytes(StandardCharsets.UTF_8)));
            readUntil(socket.getInputStream(), "\"subscribed\"");
            return new StalledWebSocket(socket, port);
        } catch (IOException | RuntimeException | Error e) {
            socket.close();
            throw e;
        }
    }

    /** @return whether the server's end of this connection is still established ({@link KernelSockets}) */
    public boolean openOnServerSide() throws IOException {
        return KernelSockets.established(serverPort, socket.getLocalPort());
    }

    /**
     * Reads what the socket still holds up to the end the server made.
     *
     * @return the bytes read
     * @throws AssertionError when the server keeps the connection open
     */
    public long readToEnd() throws IOException {
        socket.setSoTimeout(15_000);
        byte[] buffer = new byte[65536];
        long total = 0;
        try {
            for (int n = socket.getInputStream().read(buffer); n >= 0; n = socket.getInputStream().read(buffer)) {
                total += n;
            }
        } catch (SocketTimeoutException stillOpen) {
            throw new AssertionError("the server kept the connection open (" + total + " bytes read)", stillOpen);
        } catch (IOException reset) {
            // a reset: also an end the server made
        }
        return total;
    }

    private static String readUntil(InputStream in, String marker) throws IOException {
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        while (!read.toString(StandardCharsets.ISO_8859_1).contains(marker)) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("the connection ended before '" + marker + "': "
                        + read.toString(StandardCharsets.ISO_8859_1));
            }
            read.write(b);
        }
        return read.toString(StandardCharsets.ISO_8859_1);
    }

    /** RFC 6455 §5.2: FIN and opcode 1, the mask bit and a 7- or 16-bit length, the key, the masked payload. */
    private static byte[] maskedTextFrame(byte[] payload) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x81);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xFF);
        }
        byte[] key = new byte[4];
        ThreadLocalRandom.current().nextBytes(key);
        frame.writeBytes(key);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ key[i % 4]);
        }
        return frame.toByteArray();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
