package dev.preflight.cutover;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Keeps sending requests to the load balancer while a switch or failback runs: each request on a
 * fresh connection (HTTP/1.0), each recorded with when it started and ended, the colour that
 * answered, or why it failed. Not a timed assertion: the tests compare orders of events.
 */
final class LoadGenerator implements AutoCloseable {
    /** One request: {@code colour} null and {@code error} set when it failed. */
    record Request(long startNanos, long endNanos, String colour, String error) {
    }

    private final int port;
    private final ConcurrentLinkedQueue<Request> done = new ConcurrentLinkedQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    LoadGenerator(int port, int threads) {
        this.port = port;
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(this::loop, "load-" + i);
            t.setDaemon(true);
            this.threads.add(t);
            t.start();
        }
    }

    private void loop() {
        while (running) {
            done.add(once());
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    Request once() {
        long t0 = System.nanoTime();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(10_000);
            OutputStream o = s.getOutputStream();
            o.write("GET / HTTP/1.0\r\nHost: academy\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            o.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            in.transferTo(buf);
            String res = buf.toString(StandardCharsets.UTF_8);
            long t1 = System.nanoTime();
            if (!res.startsWith("HTTP/1.1 200") && !res.startsWith("HTTP/1.0 200")) {
                return new Request(t0, t1, null, res.lines().findFirst().orElse("empty response"));
            }
            int i = res.indexOf("colour=");
            if (i < 0) {
                return new Request(t0, t1, null, "no colour in response");
            }
            return new Request(t0, t1, res.substring(i + 7).split("\\s")[0], null);
        } catch (Exception e) {
            return new Request(t0, System.nanoTime(), null, e.toString());
        }
    }

    List<Request> requests() {
        return new ArrayList<>(done);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread t : threads) {
            t.join(20_000);
        }
    }
}
