package dev.preflight.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A real HTTP server on a loopback port that answers every request with the status line it is given
 * (terminal escapes, a bare carriage return, whatever a misbehaving or hostile backend sends), then
 * closes: what an HTTP check's error then quotes is the client's own reading of it.
 */
public final class HostileHttpServer implements AutoCloseable {
    private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final String statusLine;

    public HostileHttpServer(String statusLine) throws IOException {
        this.statusLine = statusLine;
        Thread t = new Thread(this::serve, "hostile-http");
        t.setDaemon(true);
        t.start();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + socket.getLocalPort() + path;
    }

    private void serve() {
        while (!socket.isClosed()) {
            try (Socket s = socket.accept()) {
                InputStream in = s.getInputStream();
                // The request's head, up to its blank line (CR LF CR LF).
                int state = 0;
                while (state < 4) {
                    int b = in.read();
                    if (b < 0) {
                        break;
                    }
                    boolean next = b == '\r' ? state % 2 == 0 : b == '\n' && state % 2 == 1;
                    state = next ? state + 1 : 0;
                }
                OutputStream out = s.getOutputStream();
                out.write((statusLine + "\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok").getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException e) {
                // closed, or a client that went away: serve the next one
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
