package dev.preflight.backup;

import java.io.PrintWriter;
import java.util.function.LongSupplier;

/**
 * A one-line progress display for a terminal (bytes so far, rate and, when the size is known, ETA, redrawn twice a second on
 * stderr), so that a long dump visibly moves. Only used when stderr is a terminal; otherwise the
 * service prints one line per step. The daemon thread only reads a counter.
 */
final class ProgressTicker implements AutoCloseable {
    private final Thread thread;
    private final PrintWriter out;
    private volatile boolean running = true;

    /**
     * @param bytes    bytes produced so far
     * @param expected bytes expected in total, or -1 when unknown (no ETA then)
     */
    ProgressTicker(PrintWriter out, String label, LongSupplier bytes, LongSupplier expected) {
        this.out = out;
        long start = System.nanoTime();
        thread = new Thread(() -> {
            while (running) {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
                double secs = Math.max(1e-3, (System.nanoTime() - start) / 1e9);
                long b = bytes.getAsLong();
                long total = expected.getAsLong();
                double rate = b / secs;
                String eta = total > b && rate > 0 ? "  ETA " + (long) ((total - b) / rate) + "s" : "";
                String of = total > 0 ? " of ~" + BackupLog.human(total) : "";
                synchronized (out) {
                    out.print("\r" + label + "  " + BackupLog.human(b) + of + "  " + BackupLog.human((long) rate)
                            + "/s  " + (long) secs + "s" + eta + "   ");
                    out.flush();
                }
            }
        }, "preflight-progress");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (out) {
            out.print("\r\033[K");
            out.flush();
        }
    }
}
