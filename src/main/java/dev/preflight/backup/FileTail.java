package dev.preflight.backup;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.LockSupport;

/**
 * Reads a file that another process is filling (a dump tool given it as stdout) into a stream as it
 * grows, and once told the writer is done, on to the file's end: the backup's one pass (SHA-256,
 * the other destinations, progress) then goes over the bytes as stored rather than over a pipe.
 */
final class FileTail {
    // A dump writes ~200 MB/s here: looking again every 5 ms keeps about 1 MiB behind it.
    private static final long POLL_NANOS = 5_000_000L;

    private final Path file;
    private volatile boolean finished;
    private volatile Thread reader;

    FileTail(Path file) {
        this.file = file;
    }

    /** The writer is done (exited or failed): read on to the end, then return. Any thread may call it. */
    void finish() {
        finished = true;
        Thread r = reader;
        if (r != null) {
            LockSupport.unpark(r);
        }
    }

    /**
     * Copies the file into {@code out} as it grows, returning once {@link #finish()} was called and
     * everything up to the end was copied. An interrupt stops it with {@link InterruptedIOException}.
     */
    void copyTo(OutputStream out) throws IOException {
        reader = Thread.currentThread();
        ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        long at = 0;
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            while (true) {
                // Read before deciding: whatever was written before finish() is read after it was seen.
                boolean done = finished;
                buf.clear();
                int n = in.read(buf, at);
                if (n > 0) {
                    out.write(buf.array(), 0, n);
                    at += n;
                    continue;
                }
                if (done) {
                    return;
                }
                LockSupport.parkNanos(POLL_NANOS);
                if (Thread.interrupted()) {
                    throw new InterruptedIOException("interrupted while reading " + file);
                }
            }
        } finally {
            reader = null;
        }
    }
}
