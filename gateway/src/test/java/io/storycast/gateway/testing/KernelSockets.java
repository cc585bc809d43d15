package io.storycast.gateway.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What Linux says of a loopback TCP connection's server end ({@code /proc/net/tcp} and {@code tcp6}): whether the
 * server still holds it open. A server that closed a connection whose client reads nothing leaves it in
 * {@code FIN_WAIT1} (its last bytes and FIN wait for the client's window), which the client cannot see without
 * reading; this can.
 */
public final class KernelSockets {
    private static final List<Path> TABLES = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));
    /** {@code TCP_ESTABLISHED} in the tables' {@code st} column. */
    private static final String ESTABLISHED = "01";

    private KernelSockets() {
    }

    /** @return whether the tables can be read here (Linux) */
    public static boolean visible() {
        return Files.isReadable(TABLES.get(0));
    }

    /**
     * @param serverPort the server's listening port (the connection's local port on the server's side)
     * @param clientPort the client socket's local port
     * @return whether the server's end of the connection is established; false once the server closed it
     */
    public static boolean established(int serverPort, int clientPort) throws IOException {
        String local = String.format(Locale.ROOT, ":%04X", serverPort);
        String remote = String.format(Locale.ROOT, ":%04X", clientPort);
        for (Path table : TABLES) {
            if (!Files.isReadable(table)) {
                continue;
            }
            for (String line : Files.readAllLines(table)) {
                String[] fields = line.trim().split("\\s+");
                // sl, local_address, rem_address, st, ...
                if (fields.length > 3 && fields[1].endsWith(local) && fields[2].endsWith(remote)) {
                    return ESTABLISHED.equals(fields[3]);
                }
            }
        }
        return false;
    }
}
