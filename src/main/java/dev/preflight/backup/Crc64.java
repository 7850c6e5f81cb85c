package dev.preflight.backup;

/**
 * CRC-64 as Redis computes it over an RDB file: the Jones polynomial 0xad93d23594c935a9, reflected
 * input and output, initial value 0, no final xor (check value of "123456789" is
 * 0xe9c6d914c4b8d9ca). Slicing-by-8 (eight bytes per step through eight tables), because a
 * byte-at-a-time CRC was the slowest part of validating a gigabyte RDB. Not thread-safe: one
 * instance per stream.
 */
public final class Crc64 {
    // The Jones polynomial bit-reversed, for the reflected (LSB-first) algorithm.
    private static final long POLY_REFLECTED = Long.reverse(0xad93d23594c935a9L);
    private static final long[][] T = new long[8][256];

    static {
        for (int i = 0; i < 256; i++) {
            long c = i;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? (c >>> 1) ^ POLY_REFLECTED : c >>> 1;
            }
            T[0][i] = c;
        }
        for (int t = 1; t < 8; t++) {
            for (int i = 0; i < 256; i++) {
                long prev = T[t - 1][i];
                T[t][i] = (prev >>> 8) ^ T[0][(int) (prev & 0xff)];
            }
        }
    }

    private long crc;

    public void update(int b) {
        crc = T[0][(int) ((crc ^ b) & 0xff)] ^ (crc >>> 8);
    }

    public void update(byte[] b, int off, int len) {
        long c = crc;
        int i = off;
        int end = off + len;
        long[] t0 = T[0];
        long[] t1 = T[1];
        long[] t2 = T[2];
        long[] t3 = T[3];
        long[] t4 = T[4];
        long[] t5 = T[5];
        long[] t6 = T[6];
        long[] t7 = T[7];
        while (end - i >= 8) {
            c ^= (b[i] & 0xffL) | (b[i + 1] & 0xffL) << 8 | (b[i + 2] & 0xffL) << 16 | (b[i + 3] & 0xffL) << 24
                    | (b[i + 4] & 0xffL) << 32 | (b[i + 5] & 0xffL) << 40 | (b[i + 6] & 0xffL) << 48
                    | (b[i + 7] & 0xffL) << 56;
            c = t7[(int) (c & 0xff)] ^ t6[(int) ((c >>> 8) & 0xff)] ^ t5[(int) ((c >>> 16) & 0xff)]
                    ^ t4[(int) ((c >>> 24) & 0xff)] ^ t3[(int) ((c >>> 32) & 0xff)] ^ t2[(int) ((c >>> 40) & 0xff)]
                    ^ t1[(int) ((c >>> 48) & 0xff)] ^ t0[(int) (c >>> 56)];
            i += 8;
        }
        for (; i < end; i++) {
            c = t0[(int) ((c ^ b[i]) & 0xff)] ^ (c >>> 8);
        }
        crc = c;
    }

    public long value() {
        return crc;
    }
}
