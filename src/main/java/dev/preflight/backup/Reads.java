package dev.preflight.backup;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a stream to its end for what its filters compute on the way (SHA-256, CRC-32C, a count),
 * in 1 MiB reads: {@link InputStream#transferTo} reads 8 KiB at a time, which on a gigabyte is
 * 130,000 read calls and as many digest updates.
 */
public final class Reads {
    private static final int CHUNK = 1 << 20;

    private Reads() {
    }

    /** Reads {@code in} to its end and returns how many bytes it gave; does not close it. */
    public static long toEnd(InputStream in) throws IOException {
        byte[] buf = new byte[CHUNK];
        long total = 0;
        int n;
        while ((n = in.read(buf, 0, CHUNK)) >= 0) {
            total += n;
        }
        return total;
    }
}
