package dev.preflight.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * For bench/audit's {@code DEAD=N}: N loopback addresses that never answer, as black-holed hosts
 * do. Each is a listener that never accepts, its accept queue filled here, so the kernel drops
 * every further SYN and a client's connect waits for its own timeout (on this machine an unroutable
 * address is refused at once, which is not what a dead host does). Writes the ports to FILE,
 * prints READY and holds them until its stdin closes.
 */
public final class BlackHoles {
    private BlackHoles() {
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        Path file = Path.of(args[1]);
        InetAddress lo = InetAddress.getLoopbackAddress();
        List<ServerSocket> holes = new ArrayList<>();
        List<Socket> queued = new ArrayList<>();
        StringBuilder ports = new StringBuilder();
        try {
            for (int i = 0; i < n; i++) {
                ServerSocket hole = new ServerSocket(0, 1, lo);
                holes.add(hole);
                // Fill the queue until a connect is no longer answered: that one proves it silent.
                boolean silent = false;
                for (int k = 0; k < 8 && !silent; k++) {
                    Socket s = new Socket();
                    try {
                        s.connect(new InetSocketAddress(lo, hole.getLocalPort()), 300);
                        queued.add(s);
                    } catch (IOException timedOut) {
                        s.close();
                        silent = true;
                    }
                }
                if (!silent) {
                    throw new IOException("port " + hole.getLocalPort() + " still answers with a full queue");
                }
                ports.append(hole.getLocalPort()).append('\n');
            }
            Files.writeString(file, ports);
            System.out.println("READY");
            System.out.flush();
            while (System.in.read() != -1) {
                // hold them until the benchmark closes our stdin
            }
        } finally {
            for (Socket s : queued) {
                s.close();
            }
            for (ServerSocket h : holes) {
                h.close();
            }
        }
    }
}
