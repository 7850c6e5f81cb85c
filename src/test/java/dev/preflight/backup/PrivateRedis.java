package dev.preflight.backup;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real redis-server of this test's own (loopback, a free port, data in the test's temp dir), so
 * that key counts are exact and the shared Redis on 6379 is never touched. Stopped on close.
 */
final class PrivateRedis implements AutoCloseable {
    final int port;
    private final Process process;

    PrivateRedis(Path dir, String... extra) throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> argv = new ArrayList<>(List.of("redis-server", "--bind", "127.0.0.1", "--port",
                Integer.toString(port), "--save", "", "--appendonly", "no", "--dir", dir.toString(),
                "--daemonize", "no", "--logfile", dir.resolve("redis.log").toString()));
        argv.addAll(List.of(extra));
        process = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.out").toFile()).start();
        for (int i = 0; i < 200; i++) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        close();
        throw new IllegalStateException("redis-server did not start on port " + port);
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
