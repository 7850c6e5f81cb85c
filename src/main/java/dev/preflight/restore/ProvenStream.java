package dev.preflight.restore;

import dev.preflight.core.Errors;
import dev.preflight.core.Hashing;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A stored artifact read in steps, each one hashed and proven against the ledger before a byte of it
 * is handed on: the SHA-256 of every prefix that ends at a step must equal the recorded checkpoint,
 * and the last step must bring the whole artifact to its recorded size and SHA-256. What is read
 * here is therefore exactly what was proven (no second read of a file that might have changed in
 * between), and a server never receives a byte the ledger did not vouch for. A thread reads and
 * hashes the next step while the previous one is consumed, so hashing overlaps the load.
 */
final class ProvenStream extends InputStream {
    /** The artifact's bytes are not the ones the ledger recorded; nothing of the step that showed it was handed on. */
    static final class NotAsRecorded extends IOException {
        NotAsRecorded(String message) {
            super(message);
        }
    }

    private record Step(byte[] buf, int len) {
    }

    private static final Object END = new Object();

    private final InputStream raw;
    private final long size;
    private final String sha256;
    private final long every;
    private final List<String> marks;
    private final BlockingQueue<Object> ready = new ArrayBlockingQueue<>(1);
    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(2);
    private final Thread reader;
    private Step current;
    // What awaitFirst took from the queue, for the first read.
    private Object head;
    private int pos;
    private boolean ended;
    // Bytes handed on so far (proven); read by the progress display.
    private volatile long delivered;
    private volatile String problem;

    /**
     * @param every  bytes per step: the checkpoints' spacing, or the whole size when there are none
     * @param marks  the SHA-256 of each prefix ending at a step inside the artifact, shortest first
     */
    ProvenStream(InputStream raw, long size, String sha256, long every, List<String> marks) {
        if (every <= 0 || every > Integer.MAX_VALUE - 8 || marks.size() != (size == 0 ? 0 : (size - 1) / every)) {
            throw new IllegalArgumentException("checkpoints every " + every + " do not fit " + size + " bytes");
        }
        this.raw = raw;
        this.size = size;
        this.sha256 = sha256;
        this.every = every;
        this.marks = List.copyOf(marks);
        int bufSize = (int) Math.max(1, Math.min(every, size));
        // Two buffers: one being read and hashed, one being consumed; one step needs one.
        free.add(new byte[bufSize]);
        if (!this.marks.isEmpty()) {
            free.add(new byte[bufSize]);
        }
        reader = new Thread(this::readAhead, "preflight-proven-read");
        reader.setDaemon(true);
        reader.start();
    }

    /** The size of a step of an artifact with these checkpoints, as the restore reports it. */
    long every() {
        return every;
    }

    /** Steps proven. */
    int steps() {
        return marks.size() + 1;
    }

    private void readAhead() {
        MessageDigest md = Hashing.sha256();
        long at = 0;
        try {
            for (int k = 0; k <= marks.size(); k++) {
                byte[] buf = free.take();
                int len = (int) Math.min(every, size - at);
                int n = raw.readNBytes(buf, 0, len);
                if (n < len) {
                    fail("it ends after " + (at + n) + " bytes; the ledger recorded " + size);
                    return;
                }
                md.update(buf, 0, len);
                at += len;
                if (k < marks.size()) {
                    String got = HexFormat.of().formatHex(Hashing.soFar(md));
                    if (!got.equals(marks.get(k))) {
                        fail("its first " + at + " bytes hash to " + got + ", not to the ledger's checkpoint "
                                + marks.get(k) + " (bytes " + (at - len) + "-" + at + " differ)");
                        return;
                    }
                } else {
                    if (raw.read() >= 0) {
                        fail("it is longer than the " + size + " bytes the ledger recorded");
                        return;
                    }
                    String got = HexFormat.of().formatHex(md.digest());
                    if (!got.equals(sha256)) {
                        fail("its " + size + " bytes hash to " + got + ", not to the recorded " + sha256
                                + " (bytes " + (at - len) + "-" + at + " differ)");
                        return;
                    }
                }
                ready.put(new Step(buf, len));
            }
            ready.put(END);
        } catch (InterruptedException e) {
            // Closed by the consumer: nothing more is wanted.
        } catch (IOException | RuntimeException e) {
            problem = "unreadable: " + Errors.describe(e);
            try {
                ready.put(e instanceof IOException io ? io : new IOException(e));
            } catch (InterruptedException closed) {
                // Closed by the consumer meanwhile: nobody is left to tell.
            }
        }
    }

    private void fail(String why) throws InterruptedException {
        problem = why;
        ready.put(new NotAsRecorded(why));
    }

    /**
     * Waits until the first step is proven or the artifact refused (then {@link #problem()} says
     * why): a copy whose first step is not as recorded is passed over before anything else is done.
     */
    void awaitFirst() throws InterruptedException {
        if (head == null && current == null && !ended) {
            head = ready.take();
        }
    }

    /** Why the artifact was refused (its bytes are not the recorded ones, or could not be read), or null. */
    String problem() {
        return problem;
    }

    /** Bytes handed on, every one of them proven. */
    long delivered() {
        return delivered;
    }

    /** True once every step was proven and handed on. */
    boolean complete() {
        return ended;
    }

    private boolean next() throws IOException {
        if (current != null && pos < current.len()) {
            return true;
        }
        if (ended) {
            return false;
        }
        if (current != null) {
            free.add(current.buf());
            current = null;
        }
        Object o = head;
        head = null;
        try {
            if (o == null) {
                o = ready.take();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading the artifact");
        }
        if (o == END) {
            ended = true;
            return false;
        }
        if (o instanceof IOException e) {
            // Put back: every later read fails the same way.
            ready.offer(e);
            throw e instanceof NotAsRecorded n ? new NotAsRecorded(n.getMessage()) : new IOException(e.getMessage(), e);
        }
        current = (Step) o;
        pos = 0;
        return true;
    }

    @Override
    public int read() throws IOException {
        if (!next()) {
            return -1;
        }
        delivered++;
        return current.buf()[pos++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!next()) {
            return -1;
        }
        int n = Math.min(len, current.len() - pos);
        System.arraycopy(current.buf(), pos, b, off, n);
        pos += n;
        delivered += n;
        return n;
    }

    @Override
    public void close() throws IOException {
        // Stop the read-ahead first (it may be waiting for a buffer), then its source, then wait for it.
        reader.interrupt();
        try {
            raw.close();
        } finally {
            try {
                reader.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
