package dev.preflight.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A bounded in-memory pipe between two threads, in chunks (unlike {@link java.io.PipedInputStream},
 * which polls once a second and moves a byte at a time under a lock). One thread writes
 * {@link #sink()}, another reads {@link #source()}. A reader that stops early calls
 * {@link #abandon()} so the writer is never blocked forever: what is written afterwards is dropped.
 */
final class ChunkPipe {
    private static final byte[] EOF = new byte[0];
    private final BlockingQueue<byte[]> queue;
    private volatile boolean abandoned;

    /** @param chunks how many written chunks may wait (each up to what one write() passed) */
    ChunkPipe(int chunks) {
        this.queue = new ArrayBlockingQueue<>(chunks);
    }

    void abandon() {
        abandoned = true;
        queue.clear();
    }

    boolean abandoned() {
        return abandoned;
    }

    private void put(byte[] chunk) throws IOException {
        try {
            while (!abandoned) {
                if (queue.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing to a pipe");
        }
    }

    OutputStream sink() {
        return new OutputStream() {
            private boolean closed;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (len > 0 && !abandoned) {
                    put(Arrays.copyOfRange(b, off, off + len));
                }
            }

            /** Signals the end of the data; the reader sees -1 after the last chunk. */
            @Override
            public void close() throws IOException {
                if (!closed) {
                    closed = true;
                    put(EOF);
                }
            }
        };
    }

    InputStream source() {
        return new InputStream() {
            private byte[] cur;
            private int pos;
            private boolean eof;

            private boolean fill() throws IOException {
                while (!eof && (cur == null || pos == cur.length)) {
                    try {
                        byte[] next = queue.poll(100, TimeUnit.MILLISECONDS);
                        if (next == EOF) {
                            eof = true;
                        } else if (next != null) {
                            cur = next;
                            pos = 0;
                        } else if (abandoned) {
                            eof = true;
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("interrupted while reading a pipe");
                    }
                }
                return !eof || (cur != null && pos < cur.length);
            }

            @Override
            public int read() throws IOException {
                if (!fill()) {
                    return -1;
                }
                return cur[pos++] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                if (!fill()) {
                    return -1;
                }
                int n = Math.min(len, cur.length - pos);
                System.arraycopy(cur, pos, b, off, n);
                pos += n;
                return n;
            }
        };
    }
}
