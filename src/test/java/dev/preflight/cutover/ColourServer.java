package dev.preflight.cutover;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A small in-process HTTP backend that answers with its colour ({@code colour=blue} in the body and
 * an {@code X-Colour} header): one stack of the blue/green pair behind a real nginx or HAProxy.
 * {@code /smoke} fails with 500 when {@link #failSmoke} is set; {@code /health} waits on
 * {@link #holdHealth} when one is set (to freeze a step while the test kills the tool).
 */
final class ColourServer implements AutoCloseable {
    final String colour;
    final AtomicBoolean failSmoke = new AtomicBoolean();
    final AtomicReference<CountDownLatch> holdHealth = new AtomicReference<>();
    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool();

    ColourServer(String colour) throws IOException {
        this.colour = colour;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
        server.createContext("/", ex -> {
            int status = 200;
            String path = ex.getRequestURI().getPath();
            if (path.equals("/smoke") && failSmoke.get()) {
                status = 500;
            }
            CountDownLatch hold = holdHealth.get();
            if (path.equals("/health") && hold != null) {
                try {
                    hold.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] body = ("colour=" + colour + " path=" + path + "\n").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("X-Colour", colour);
            ex.sendResponseHeaders(status, body.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(body);
            }
        });
        server.setExecutor(pool);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    @Override
    public void close() {
        CountDownLatch hold = holdHealth.getAndSet(null);
        if (hold != null) {
            hold.countDown();
        }
        server.stop(0);
        pool.shutdownNow();
    }
}
