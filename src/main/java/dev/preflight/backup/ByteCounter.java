package dev.preflight.backup;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** Counts the uncompressed bytes produced, for the progress display (read from its thread). */
final class ByteCounter {
    private volatile long count;

    long count() {
        return count;
    }

    OutputStream wrap(OutputStream out) {
        return new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                count += len;
            }

            @Override
            public void write(int b) throws IOException {
                out.write(b);
                count++;
            }

            @Override
            public void close() {
                // The stream below is finished and sealed by the service.
            }
        };
    }
}
