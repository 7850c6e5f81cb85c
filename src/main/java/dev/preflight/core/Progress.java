package dev.preflight.core;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Progress of one long operation on stderr, so that work of more than a couple of seconds visibly
 * moves: on a terminal one live line redrawn twice a second; anywhere else ({@code > file},
 * {@code | tee}, CI, {@code TERM=dumb}) a plain timestamped line every few seconds, which a log
 * keeps. Bytes, rate and ETA when a byte count is known; elapsed time otherwise. Quiet operations
 * stay quiet: nothing is printed before the first interval has passed. The daemon thread only
 * reads counters.
 */
public final class Progress implements AutoCloseable {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
    /** The interval of plain lines unless {@code PREFLIGHT_PROGRESS_SECONDS} says otherwise. */
    public static final Duration LINE_EVERY = Duration.ofSeconds(5);
    private static final Duration LIVE_EVERY = Duration.ofMillis(500);

    /**
     * Where and how progress goes.
     *
     * @param out   stderr, or null for none
     * @param live  redraw one line in place (a terminal that understands escape codes)
     * @param every the interval of plain lines
     */
    public record Options(PrintWriter out, boolean live, Duration every, Clock clock) {
        public static final Options NONE = new Options(null, false, LINE_EVERY, Clock.systemUTC());

        /**
         * Live only on a terminal whose {@code TERM} is set and not {@code dumb}; plain lines every
         * {@code PREFLIGHT_PROGRESS_SECONDS} (default 5) otherwise.
         */
        public static Options of(PrintWriter err, Map<String, String> env, boolean errTerminal, Clock clock) {
            String term = env.get("TERM");
            boolean live = errTerminal && term != null && !term.isBlank() && !term.equals("dumb");
            Duration every = LINE_EVERY;
            String s = env.get("PREFLIGHT_PROGRESS_SECONDS");
            if (s != null) {
                try {
                    double secs = Double.parseDouble(s.strip());
                    if (secs > 0) {
                        every = Duration.ofMillis((long) (secs * 1000));
                    }
                } catch (NumberFormatException ignored) {
                    // An unreadable interval keeps the default: progress is not worth failing a command for.
                }
            }
            return new Options(err, live, every, clock);
        }
    }

    private final Options options;
    private final String label;
    private final LongSupplier bytes;
    private final LongSupplier expected;
    private final long start = System.nanoTime();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile String detail = "";
    private boolean drawn;

    private Progress(Options options, String label, LongSupplier bytes, LongSupplier expected) {
        this.options = options;
        this.label = label;
        this.bytes = bytes;
        this.expected = expected;
        if (options.out() == null) {
            thread = null;
            return;
        }
        long every = (options.live() ? LIVE_EVERY : options.every()).toMillis();
        long first = Math.max(every, options.live() ? 2000 : 0);
        thread = new Thread(() -> {
            long next = first;
            while (running) {
                try {
                    long sleep = next - (System.nanoTime() - start) / 1_000_000;
                    if (sleep > 0) {
                        Thread.sleep(sleep);
                    }
                } catch (InterruptedException e) {
                    return;
                }
                if (running) {
                    print();
                }
                next += every;
            }
        }, "preflight-progress");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Bytes moving: {@code label  1.2 GiB of ~4.0 GiB, 85.3 MiB/s, 15 s, ETA 33 s}.
     *
     * @param done     bytes so far
     * @param expected bytes in all, or -1 when unknown (no ETA then)
     */
    public static Progress bytes(Options options, String label, LongSupplier done, LongSupplier expected) {
        return new Progress(options, label, done, expected);
    }

    /** Work without a byte count (a remote call, a child process): {@code label: still running, 15 s}. */
    public static Progress waiting(Options options, String label) {
        return new Progress(options, label, null, null);
    }

    /** What the operation is doing now (a retry it waits for, a phase), shown from the next update on. */
    public void detail(String now) {
        detail = now == null ? "" : now;
    }

    /** The text of one update, at this moment. */
    String line() {
        double secs = Math.max(1e-3, (System.nanoTime() - start) / 1e9);
        StringBuilder b = new StringBuilder(label);
        if (bytes != null) {
            long done = bytes.getAsLong();
            long total = expected.getAsLong();
            double rate = done / secs;
            b.append(": ").append(Sizes.binary(done));
            if (total > 0) {
                b.append(" of ~").append(Sizes.binary(total));
            }
            b.append(", ").append(Sizes.binary((long) rate)).append("/s, ").append(elapsed(secs));
            if (total > done && rate > 0) {
                b.append(", ETA ").append(elapsed((total - done) / rate));
            }
        } else {
            b.append(": still running, ").append(elapsed(secs));
        }
        String d = detail;
        if (!d.isEmpty()) {
            b.append("; ").append(d);
        }
        return b.toString();
    }

    private void print() {
        PrintWriter out = options.out();
        String line = line();
        synchronized (out) {
            if (options.live()) {
                out.print("\r" + line + "\u001b[K");
                drawn = true;
            } else {
                out.println(STAMP.format(options.clock().instant()) + " " + line);
            }
            out.flush();
        }
    }

    @Override
    public void close() {
        running = false;
        if (thread == null) {
            return;
        }
        thread.interrupt();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        PrintWriter out = options.out();
        synchronized (out) {
            if (drawn) {
                out.print("\r\u001b[K");
                out.flush();
            }
        }
    }

    /** Seconds as people read them: 42 s, 3 min 05 s, 2 h 07 min. */
    public static String elapsed(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
    }
}
