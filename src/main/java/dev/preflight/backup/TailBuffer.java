package dev.preflight.backup;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Passes bytes through and keeps the last {@code size} of them (to check a dump's trailer). */
final class TailBuffer extends FilterOutputStream {
    private final byte[] ring;
    private long total;

    TailBuffer(OutputStream out, int size) {
        super(out);
        this.ring = new byte[size];
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
        ring[(int) (total++ % ring.length)] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        int start = Math.max(0, len - ring.length);
        for (int i = start; i < len; i++) {
            ring[(int) ((total + i) % ring.length)] = b[off + i];
        }
        total += len;
    }

    @Override
    public void close() {
        // The caller owns the underlying stream.
    }

    /** Bytes passed through. */
    long total() {
        return total;
    }

    /** The last bytes seen, oldest first, as text. */
    String tail() {
        int n = (int) Math.min(total, ring.length);
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = ring[(int) ((total - n + i) % ring.length)];
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
