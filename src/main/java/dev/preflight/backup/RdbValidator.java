package dev.preflight.backup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Walks a Redis RDB file from the {@code REDIS} magic to the EOF opcode (0xFF), decoding every
 * opcode and value just enough to skip it, counts keys per database, and checks the trailing
 * CRC-64 over every byte before it. A stored checksum of 0 means the server has checksums disabled
 * ({@code rdbchecksum no}): the walk still has to succeed, but the file is reported as not
 * checksum-verified. Not thread-safe.
 */
public final class RdbValidator {
    /** What the walk found. */
    public record Result(int version, Map<Integer, Long> keysPerDb, long keys, boolean checksumVerified,
                         String checksum, long bytes, Map<String, String> aux) {
    }

    /** The file is not a complete, intact RDB. */
    public static final class InvalidRdbException extends IOException {
        private static final long serialVersionUID = 1L;

        InvalidRdbException(String message) {
            super(message);
        }
    }

    private final InputStream in;
    private final Crc64 crc = new Crc64();
    private final byte[] buf = new byte[1 << 16];
    private long pos;

    private RdbValidator(InputStream in) {
        this.in = in;
    }

    /** Reads {@code in} to its end; throws {@link InvalidRdbException} naming the offset of the first problem. */
    public static Result validate(InputStream in) throws IOException {
        return new RdbValidator(in).walk();
    }

    private Result walk() throws IOException {
        byte[] magic = bytes(9);
        String head = new String(magic, StandardCharsets.US_ASCII);
        if (!head.startsWith("REDIS") || !head.substring(5).chars().allMatch(Character::isDigit)) {
            throw bad(0, "not an RDB file (no REDIS magic and 4-digit version)");
        }
        int version = Integer.parseInt(head.substring(5));
        if (version < 1 || version > 12) {
            throw bad(5, "unsupported RDB version " + version);
        }
        Map<Integer, Long> keys = new TreeMap<>();
        Map<String, String> aux = new TreeMap<>();
        int db = 0;
        while (true) {
            long at = pos;
            int op = u8();
            switch (op) {
                case 0xFF -> {
                    long computed = crc.value();
                    long stored = 0;
                    if (version >= 5) {
                        byte[] c = raw(8);
                        for (int i = 7; i >= 0; i--) {
                            stored = (stored << 8) | (c[i] & 0xff);
                        }
                    }
                    if (in.read() != -1) {
                        throw bad(pos, "bytes after the end of the RDB");
                    }
                    boolean verified = stored != 0;
                    if (verified && stored != computed) {
                        throw bad(pos - 8, String.format("CRC-64 mismatch: stored %016x, computed %016x", stored,
                                computed));
                    }
                    long total = keys.values().stream().mapToLong(Long::longValue).sum();
                    return new Result(version, keys, total, verified, String.format("%016x", stored), pos, aux);
                }
                case 0xFA -> aux.put(string(), printable(string()));
                case 0xFB -> {
                    length();
                    length();
                }
                case 0xFE -> db = (int) length();
                case 0xFD -> {
                    bytes(4);
                    keyValue(u8(), db, keys, at);
                }
                case 0xFC -> {
                    bytes(8);
                    keyValue(u8(), db, keys, at);
                }
                case 0xF8 -> {
                    length();
                    keyValue(u8(), db, keys, at);
                }
                case 0xF7 -> {
                    u8();
                    keyValue(u8(), db, keys, at);
                }
                case 0xF5 -> string(); // a function library (RDB 10+)
                case 0xF4 -> { // slot info (RDB 12): slot id, slot size, expires slot size
                    length();
                    length();
                    length();
                }
                case 0xF9, 0xF6 -> throw bad(at, "module auxiliary data (opcode 0x" + Integer.toHexString(op)
                        + ") is not supported by this validator");
                default -> keyValue(op, db, keys, at);
            }
        }
    }

    private void keyValue(int type, int db, Map<Integer, Long> keys, long at) throws IOException {
        string(); // the key
        value(type, at);
        keys.merge(db, 1L, Long::sum);
    }

    private void value(int type, long at) throws IOException {
        switch (type) {
            case 0 -> string();
            case 1, 2 -> repeat(length(), 1);
            case 3 -> {
                long n = length();
                for (long i = 0; i < n; i++) {
                    string();
                    oldDouble();
                }
            }
            case 4 -> repeat(length(), 2);
            case 5 -> {
                long n = length();
                for (long i = 0; i < n; i++) {
                    string();
                    bytes(8);
                }
            }
            // Encoded as one blob: zipmap, ziplist, intset, listpack variants.
            case 9, 10, 11, 12, 13, 16, 17, 20 -> string();
            case 14 -> repeat(length(), 1);
            case 18 -> {
                long n = length();
                for (long i = 0; i < n; i++) {
                    length(); // container: plain or packed
                    string();
                }
            }
            case 15, 19, 21 -> stream(type);
            default -> throw bad(at, "unknown or unsupported value type " + type);
        }
    }

    private void stream(int type) throws IOException {
        repeat(length(), 2); // listpacks: node key and listpack
        length(); // items
        length(); // last id ms
        length(); // last id seq
        if (type >= 19) {
            length();
            length(); // first id
            length();
            length(); // max deleted id
            length(); // entries added
        }
        long groups = length();
        for (long g = 0; g < groups; g++) {
            string();
            length();
            length(); // last delivered id
            if (type >= 19) {
                length(); // entries read
            }
            long pel = length();
            for (long i = 0; i < pel; i++) {
                bytes(16);
                bytes(8);
                length();
            }
            long consumers = length();
            for (long c = 0; c < consumers; c++) {
                string();
                bytes(8); // seen time
                if (type >= 21) {
                    bytes(8); // active time
                }
                long cpel = length();
                for (long i = 0; i < cpel; i++) {
                    bytes(16);
                }
            }
        }
    }

    private void repeat(long n, int stringsEach) throws IOException {
        for (long i = 0; i < n * stringsEach; i++) {
            string();
        }
    }

    /** A double written as text with a one-byte length (253 NaN, 254 +inf, 255 -inf). */
    private void oldDouble() throws IOException {
        int len = u8();
        if (len < 253) {
            bytes(len);
        }
    }

    private static final long SPECIAL = -1;
    private int lastSpecial;

    /** A length; for a special encoding returns {@link #SPECIAL} and sets {@link #lastSpecial}. */
    private long lengthOrSpecial() throws IOException {
        int b = u8();
        switch (b >> 6) {
            case 0:
                return b & 0x3f;
            case 1:
                return ((long) (b & 0x3f) << 8) | u8();
            case 2:
                if (b == 0x80) {
                    return be(4);
                } else if (b == 0x81) {
                    return be(8);
                }
                throw bad(pos - 1, "bad length encoding 0x" + Integer.toHexString(b));
            default:
                lastSpecial = b & 0x3f;
                return SPECIAL;
        }
    }

    private long length() throws IOException {
        long n = lengthOrSpecial();
        if (n == SPECIAL) {
            throw bad(pos - 1, "an encoded value where a length was expected");
        }
        if (n < 0) {
            throw bad(pos, "negative length");
        }
        return n;
    }

    /** Skips a string and returns it when short (aux fields), else returns an empty string. */
    private String string() throws IOException {
        long at = pos;
        long n = lengthOrSpecial();
        if (n == SPECIAL) {
            switch (lastSpecial) {
                case 0 -> {
                    return Long.toString((byte) u8());
                }
                case 1 -> {
                    byte[] b = bytes(2);
                    return Long.toString((short) ((b[0] & 0xff) | (b[1] << 8)));
                }
                case 2 -> {
                    byte[] b = bytes(4);
                    return Long.toString((b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | b[3] << 24);
                }
                case 3 -> {
                    long clen = length();
                    length(); // uncompressed length
                    skip(clen);
                    return "";
                }
                default -> throw bad(at, "unknown string encoding " + lastSpecial);
            }
        }
        if (n < 0) {
            // A 64-bit length with the top bit set (found by fuzzing: it reached readNBytes as -1).
            throw bad(at, "negative string length");
        }
        if (n <= 256) {
            return new String(bytes((int) n), StandardCharsets.UTF_8);
        }
        skip(n);
        return "";
    }

    private static String printable(String s) {
        return s.chars().allMatch(c -> c >= 32 && c < 127) ? s : "(binary)";
    }

    private long be(int n) throws IOException {
        long v = 0;
        for (int i = 0; i < n; i++) {
            v = (v << 8) | u8();
        }
        return v;
    }

    private int u8() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw bad(pos, "unexpected end of file before the EOF opcode (truncated RDB)");
        }
        crc.update(b);
        pos++;
        return b;
    }

    private byte[] bytes(int n) throws IOException {
        byte[] b = raw(n);
        crc.update(b, 0, n);
        return b;
    }

    /** Bytes not covered by the checksum (the checksum itself) or about to be. */
    private byte[] raw(int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length < n) {
            throw bad(pos + b.length, "unexpected end of file before the EOF opcode (truncated RDB)");
        }
        pos += n;
        return b;
    }

    private void skip(long n) throws IOException {
        while (n > 0) {
            int want = (int) Math.min(buf.length, n);
            int got = in.readNBytes(buf, 0, want);
            if (got < want) {
                throw bad(pos + got, "unexpected end of file before the EOF opcode (truncated RDB)");
            }
            crc.update(buf, 0, got);
            pos += got;
            n -= got;
        }
    }

    private static InvalidRdbException bad(long offset, String why) {
        return new InvalidRdbException(why + " at byte " + offset);
    }
}
