package dev.preflight.backup;

/**
 * CRC-64 as Redis computes it over an RDB file: the Jones polynomial 0xad93d23594c935a9, reflected
 * input and output, initial value 0, no final xor (check value of "123456789" is
 * 0xe9c6d914c4b8d9ca). Table-driven, one byte at a time. Not thread-safe: one instance per stream.
 */
public final class Crc64 {
    // The Jones polynomial bit-reversed, for the reflected (LSB-first) algorithm.
    private static final long POLY_REFLECTED = Long.reverse(0xad93d23594c935a9L);
    private static final long[] TABLE = new long[256];

    static {
        for (int i = 0; i < 256; i++) {
            long c = i;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? (c >>> 1) ^ POLY_REFLECTED : c >>> 1;
            }
            TABLE[i] = c;
        }
    }

    private long crc;

    public void update(int b) {
        crc = TABLE[(int) ((crc ^ b) & 0xff)] ^ (crc >>> 8);
    }

    public void update(byte[] b, int off, int len) {
        long c = crc;
        for (int i = off; i < off + len; i++) {
            c = TABLE[(int) ((c ^ b[i]) & 0xff)] ^ (c >>> 8);
        }
        crc = c;
    }

    public long value() {
        return crc;
    }
}
