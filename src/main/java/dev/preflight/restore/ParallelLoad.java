package dev.preflight.restore;

import dev.preflight.exec.ProcessResult;
import dev.preflight.exec.StdinSource;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Loads a dump over several connections of the server's own client tool at once, the way myloader
 * does for mydumper: a single {@code mariadb < dump.sql} alternates between the client parsing a
 * statement and the server executing it, so one core idles; with several clients one parses while
 * another's statement runs. Rows (from {@link DumpSplitter}) go to the least busy connection;
 * session settings go to all; everything else runs on the first connection, in dump order, and only
 * once every row sent before it is in (so a trigger created after a table's data never fires for
 * it, as in a serial load), and no connection gets rows before the first one has created their
 * table. The order points are round trips: a {@code SELECT} of a random token that each client
 * echoes ({@code --unbuffered}) once it has executed everything before it.
 */
final class ParallelLoad implements DumpSplitter.Target {
    /** Statements queued per connection before the reader waits (about 8 MB with mysqldump's 1 MB statements). */
    private static final int QUEUE = 8;
    /**
     * Bytes queued per connection before the reader waits, whatever the statement count: a row
     * larger than mysqldump's statement size gets a statement of its own (up to max_allowed_packet),
     * and a few of those per connection must not exhaust the heap.
     */
    private static final long MAX_PENDING = 16L << 20;
    private static final byte[] END = new byte[0];
    private static final long POLL_MS = 100;

    private final List<Worker> workers = new ArrayList<>();
    private final Object lock = new Object();
    private final String token;
    private long syncs;
    private boolean rowsPhase;
    private boolean finished;

    /**
     * Starts {@code connections} clients.
     *
     * @param session starts one client whose stdin is fed from the source and whose stdout goes to the sink
     */
    ParallelLoad(int connections, Session session) {
        byte[] nonce = new byte[8];
        new SecureRandom().nextBytes(nonce);
        this.token = "preflight-sync-" + HexFormat.of().formatHex(nonce) + "-";
        for (int i = 0; i < connections; i++) {
            Worker w = new Worker(i, session);
            workers.add(w);
            Thread t = new Thread(w, "preflight-restore-" + i);
            t.setDaemon(true);
            w.thread = t;
            t.start();
        }
    }

    /** Starts one client of the server's tool; blocks until it exits. */
    @FunctionalInterface
    interface Session {
        ProcessResult run(StdinSource stdin, OutputStream stdout) throws IOException, InterruptedException;
    }

    @Override
    public void rows(byte[] statement) throws IOException {
        if (!rowsPhase) {
            // The first connection has the table's CREATE queued: the others wait until it ran.
            sync(workers.subList(0, 1), ";");
            rowsPhase = true;
        }
        Worker best = workers.get(0);
        for (Worker w : workers) {
            if (w.pending.get() < best.pending.get()) {
                best = w;
            }
        }
        enqueue(best, statement);
    }

    @Override
    public void everyone(byte[] line) throws IOException {
        endRows();
        for (Worker w : workers) {
            enqueue(w, line);
        }
    }

    @Override
    public void inOrder(byte[] line, String delimiter) throws IOException {
        endRows();
        enqueue(workers.get(0), line);
    }

    /** Before anything in order: every row the other connections were given is in. */
    private void endRows() throws IOException {
        if (rowsPhase) {
            sync(workers.subList(1, workers.size()), ";");
            rowsPhase = false;
        }
    }

    private void sync(List<Worker> ws, String delimiter) throws IOException {
        if (ws.isEmpty()) {
            return;
        }
        long n = ++syncs;
        byte[] marker = ("SELECT '" + token + n + "'" + delimiter + "\n").getBytes(StandardCharsets.US_ASCII);
        for (Worker w : ws) {
            enqueue(w, marker);
        }
        try {
            synchronized (lock) {
                for (Worker w : ws) {
                    while (w.seen < n) {
                        failIfEnded();
                        lock.wait(POLL_MS);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while the restore connections caught up");
        }
    }

    private void enqueue(Worker w, byte[] bytes) throws IOException {
        try {
            // One statement is always let through, however large: it has to be sent at some point.
            while (w.pending.get() > 0 && w.pending.get() + bytes.length > MAX_PENDING) {
                failIfEnded();
                Thread.sleep(1);
            }
            w.pending.addAndGet(bytes.length);
            while (!w.queue.offer(bytes, POLL_MS, TimeUnit.MILLISECONDS)) {
                failIfEnded();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while feeding the restore connections");
        }
        failIfEnded();
    }

    /** A client that stopped before the dump ended failed (its result says why): stop feeding. */
    private void failIfEnded() throws IOException {
        if (finished) {
            return;
        }
        for (Worker w : workers) {
            if (w.ended) {
                throw new ConnectionEnded(w.index);
            }
        }
    }

    /** A restore connection ended before the dump did. */
    static final class ConnectionEnded extends IOException {
        private static final long serialVersionUID = 1L;

        ConnectionEnded(int index) {
            super("restore connection " + (index + 1) + " ended before the dump did");
        }
    }

    /**
     * Ends every client's input (after what is queued when {@code complete}, at once otherwise) and
     * waits for them. Returns the result that explains the load: the failed one that ended first,
     * else the first connection's; stderr holds every connection's.
     */
    ProcessResult finish(boolean complete) throws InterruptedException {
        finished = true;
        for (Worker w : workers) {
            if (!complete) {
                w.stop = true;
                w.queue.clear();
                continue;
            }
            // A connection that already ended takes nothing more: do not wait for room in its queue.
            while (!w.ended && !w.queue.offer(END, POLL_MS, TimeUnit.MILLISECONDS)) {
                Thread.onSpinWait();
            }
        }
        for (Worker w : workers) {
            w.thread.join();
        }
        ProcessResult firstBad = null;
        long firstEnd = Long.MAX_VALUE;
        StringBuilder stderr = new StringBuilder();
        for (Worker w : workers) {
            ProcessResult r = w.result;
            if (r == null) {
                r = new ProcessResult(-1, "", "", false, false, 0, Duration.ZERO,
                        "restore connection " + (w.index + 1) + " failed to run: " + w.error);
                w.result = r;
            }
            if (!r.stderr().isBlank()) {
                stderr.append(r.stderr().strip()).append('\n');
            }
            if (!r.ok() && w.endedAt < firstEnd) {
                firstBad = r;
                firstEnd = w.endedAt;
            }
        }
        ProcessResult base = firstBad != null ? firstBad : workers.get(0).result;
        return new ProcessResult(base.exitCode(), "", stderr.toString(), base.timedOut(), base.truncated(),
                0, base.elapsed(), base.startFailure());
    }

    /** One client connection: a queue of statements fed to its stdin; its stdout is read for tokens. */
    private final class Worker implements Runnable {
        final int index;
        final Session session;
        final LinkedBlockingQueue<byte[]> queue = new LinkedBlockingQueue<>(QUEUE);
        final AtomicLong pending = new AtomicLong();
        volatile long seen;
        volatile boolean ended;
        volatile boolean stop;
        volatile long endedAt = Long.MAX_VALUE;
        volatile ProcessResult result;
        volatile Exception error;
        Thread thread;

        Worker(int index, Session session) {
            this.index = index;
            this.session = session;
        }

        @Override
        public void run() {
            try {
                result = session.run(this::feed, new TokenSink());
            } catch (IOException | RuntimeException e) {
                error = e;
            } catch (InterruptedException e) {
                error = e;
                Thread.currentThread().interrupt();
            } finally {
                endedAt = System.nanoTime();
                ended = true;
                synchronized (lock) {
                    lock.notifyAll();
                }
            }
        }

        private void feed(OutputStream stdin) throws IOException {
            OutputStream out = new BufferedOutputStream(stdin, 1 << 16);
            try {
                while (true) {
                    byte[] item = queue.poll();
                    if (item == null) {
                        // About to wait: what was written must reach the client (a token among it).
                        out.flush();
                        while ((item = queue.poll(POLL_MS, TimeUnit.MILLISECONDS)) == null) {
                            if (stop) {
                                return;
                            }
                        }
                    }
                    if (item == END) {
                        out.flush();
                        return;
                    }
                    out.write(item);
                    pending.addAndGet(-item.length);
                }
            } catch (InterruptedException e) {
                // The runner interrupts a feeder whose program has exited: nothing more can be sent.
                Thread.currentThread().interrupt();
            }
        }

        /** Reads the client's output line by line and notes the newest token it echoed. */
        private final class TokenSink extends OutputStream {
            private final StringBuilder line = new StringBuilder();

            @Override
            public void write(int b) {
                if (b == '\n') {
                    String l = line.toString();
                    line.setLength(0);
                    if (l.startsWith(token)) {
                        seen = Long.parseLong(l.substring(token.length()).strip());
                        synchronized (lock) {
                            lock.notifyAll();
                        }
                    }
                } else if (line.length() < 256) {
                    line.append((char) b);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                for (int i = off; i < off + len; i++) {
                    write(b[i]);
                }
            }
        }
    }
}
