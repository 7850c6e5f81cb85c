package dev.preflight.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;

/**
 * Moves the hashing and writing of a backup stream to its own thread, so that reading the source
 * (a socket, a dump tool's pipe) never waits for SHA-256 or the disk: the two overlap. A failure of
 * the writing side is rethrown to the producer on its next write or on {@link #close()}.
 */
final class AsyncOutputStream extends OutputStream {
    private final ChunkPipe pipe = new ChunkPipe(64);
    private final OutputStream sink = pipe.sink();
    private final Thread thread;
    private volatile IOException failure;

    AsyncOutputStream(OutputStream target, String name) {
        thread = new Thread(() -> {
            byte[] buf = new byte[1 << 16];
            try (InputStream in = pipe.source()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    target.write(buf, 0, n);
                }
            } catch (IOException e) {
                failure = e;
                pipe.abandon();
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (failure != null) {
            throw failure;
        }
        sink.write(b, off, len);
    }

    /** Waits until everything written has reached the target; rethrows its failure. */
    @Override
    public void close() throws IOException {
        sink.close();
        try {
            thread.join();
        } catch (InterruptedException e) {
            pipe.abandon();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while finishing the backup stream");
        }
        if (failure != null) {
            throw failure;
        }
    }
}
