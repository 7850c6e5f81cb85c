package dev.preflight.ledger;

import dev.preflight.core.Errors;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The zip layout of a ledger bundle, written and read by this class alone: deflated files with
 * sizes and CRC in the local headers (no data descriptors), fixed time stamps, no extra fields or
 * comments, the central directory repeating every local header, nothing before or after. Reading
 * checks every header byte against that layout and every file's CRC, so any changed byte is
 * reported (a general zip reader ignores most of them); the files' SHA-256 are the manifest's job.
 * Standard tools (unzip, jar) read these files.
 */
final class BundleZip {
    private static final int LOC = 0x04034b50;
    private static final int CEN = 0x02014b50;
    private static final int END = 0x06054b50;
    private static final short VERSION = 20;
    private static final short FLAGS = 0x0800; // names are UTF-8
    private static final short DEFLATED = 8;
    private static final short TIME = 0;
    private static final short DATE = 0x21; // 1980-01-01: bundles differ only where their content does
    private static final long MAX_FILE = 1L << 30;

    private BundleZip() {
    }

    /** A file in a bundle. */
    record File(String name, byte[] data) {
    }

    /** The bundle is not in this layout; {@code getMessage()} says where and how. */
    static final class Damaged extends Exception {
        private static final long serialVersionUID = 1L;

        Damaged(String message) {
            super(message);
        }
    }

    static void write(OutputStream out, List<File> files) throws IOException {
        ByteArrayOutputStream cen = new ByteArrayOutputStream();
        long offset = 0;
        for (File f : files) {
            byte[] name = f.name().getBytes(StandardCharsets.UTF_8);
            byte[] data = deflate(f.data());
            CRC32 crc = new CRC32();
            crc.update(f.data());
            if (offset > 0xffffffffL - data.length - 1024 || f.data().length > MAX_FILE) {
                throw new IOException("bundle too large for a zip without ZIP64 extensions");
            }
            ByteBuffer loc = le(30 + name.length);
            loc.putInt(LOC).putShort(VERSION).putShort(FLAGS).putShort(DEFLATED).putShort(TIME).putShort(DATE)
                    .putInt((int) crc.getValue()).putInt(data.length).putInt(f.data().length)
                    .putShort((short) name.length).putShort((short) 0).put(name);
            out.write(loc.array());
            out.write(data);
            ByteBuffer c = le(46 + name.length);
            c.putInt(CEN).putShort(VERSION).putShort(VERSION).putShort(FLAGS).putShort(DEFLATED).putShort(TIME)
                    .putShort(DATE).putInt((int) crc.getValue()).putInt(data.length).putInt(f.data().length)
                    .putShort((short) name.length).putShort((short) 0).putShort((short) 0).putShort((short) 0)
                    .putShort((short) 0).putInt(0).putInt((int) offset).put(name);
            cen.write(c.array());
            offset += loc.capacity() + data.length;
        }
        byte[] dir = cen.toByteArray();
        out.write(dir);
        ByteBuffer end = le(22);
        end.putInt(END).putShort((short) 0).putShort((short) 0).putShort((short) files.size())
                .putShort((short) files.size()).putInt(dir.length).putInt((int) offset).putShort((short) 0);
        out.write(end.array());
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static byte[] deflate(byte[] data) {
        Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        try {
            d.setInput(data);
            d.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, data.length / 4));
            byte[] buf = new byte[65536];
            while (!d.finished()) {
                out.write(buf, 0, d.deflate(buf));
            }
            return out.toByteArray();
        } finally {
            d.end();
        }
    }

    /** Reads a bundle written by {@link #write}, checking the layout byte for byte. */
    static List<File> read(byte[] zip) throws Damaged {
        ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        List<File> files = new ArrayList<>();
        List<int[]> locals = new ArrayList<>(); // offset, crc, csize, usize
        List<byte[]> names = new ArrayList<>();
        try {
            while (b.remaining() >= 4 && b.getInt(b.position()) == LOC) {
                int at = b.position();
                b.getInt();
                expect(b.getShort(), VERSION, "version", at);
                expect(b.getShort(), FLAGS, "flags", at);
                expect(b.getShort(), DEFLATED, "compression method", at);
                expect(b.getShort(), TIME, "time", at);
                expect(b.getShort(), DATE, "date", at);
                int crc = b.getInt();
                int csize = b.getInt();
                int usize = b.getInt();
                int nlen = Short.toUnsignedInt(b.getShort());
                expect(b.getShort(), (short) 0, "extra field length", at);
                if (csize < 0 || usize < 0 || usize > MAX_FILE || csize > b.remaining() - nlen) {
                    throw new Damaged("a file's sizes in the local header at offset " + at + " are impossible");
                }
                byte[] name = new byte[nlen];
                b.get(name);
                String n = utf8(name, at);
                byte[] comp = new byte[csize];
                b.get(comp);
                byte[] data = inflate(comp, usize, n);
                CRC32 c = new CRC32();
                c.update(data);
                if ((int) c.getValue() != crc) {
                    throw new Damaged("the content of " + n + " does not match its CRC");
                }
                files.add(new File(n, data));
                locals.add(new int[] {at, crc, csize, usize});
                names.add(name);
            }
            int cenStart = b.position();
            for (int i = 0; i < files.size(); i++) {
                int at = b.position();
                if (b.remaining() < 46 || b.getInt() != CEN) {
                    throw new Damaged("central directory entry " + (i + 1) + " is missing at offset " + at);
                }
                expect(b.getShort(), VERSION, "central version made by", at);
                expect(b.getShort(), VERSION, "central version", at);
                expect(b.getShort(), FLAGS, "central flags", at);
                expect(b.getShort(), DEFLATED, "central compression method", at);
                expect(b.getShort(), TIME, "central time", at);
                expect(b.getShort(), DATE, "central date", at);
                int[] l = locals.get(i);
                expect(b.getInt(), l[1], "central CRC", at);
                expect(b.getInt(), l[2], "central compressed size", at);
                expect(b.getInt(), l[3], "central size", at);
                int nlen = Short.toUnsignedInt(b.getShort());
                expect(b.getShort(), (short) 0, "central extra field length", at);
                expect(b.getShort(), (short) 0, "central comment length", at);
                expect(b.getShort(), (short) 0, "central disk number", at);
                expect(b.getShort(), (short) 0, "central internal attributes", at);
                expect(b.getInt(), 0, "central external attributes", at);
                expect(b.getInt(), l[0], "central local header offset", at);
                if (nlen != names.get(i).length || b.remaining() < nlen) {
                    throw new Damaged("central directory entry at offset " + at + " names another file");
                }
                byte[] name = new byte[nlen];
                b.get(name);
                if (!Arrays.equals(name, names.get(i))) {
                    throw new Damaged("central directory entry at offset " + at + " names another file ("
                            + utf8(name, at) + " vs " + files.get(i).name() + ")");
                }
            }
            int cenSize = b.position() - cenStart;
            int at = b.position();
            if (b.remaining() < 22 || b.getInt() != END) {
                throw new Damaged("the end of the central directory is missing or not where it belongs (offset " + at + ")");
            }
            expect(b.getShort(), (short) 0, "disk number", at);
            expect(b.getShort(), (short) 0, "central directory disk", at);
            expect(b.getShort(), (short) files.size(), "file count on disk", at);
            expect(b.getShort(), (short) files.size(), "file count", at);
            expect(b.getInt(), cenSize, "central directory size", at);
            expect(b.getInt(), cenStart, "central directory offset", at);
            expect(b.getShort(), (short) 0, "comment length", at);
            if (b.hasRemaining()) {
                throw new Damaged(b.remaining() + " unexpected byte(s) after the end of the zip");
            }
            return files;
        } catch (BufferUnderflowException e) {
            throw new Damaged("the zip ends in the middle of a header");
        }
    }

    private static void expect(int got, int want, String what, int at) throws Damaged {
        if (got != want) {
            throw new Damaged("unexpected " + what + " in the header at offset " + at);
        }
    }

    private static String utf8(byte[] name, int at) throws Damaged {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(name)).toString();
        } catch (CharacterCodingException e) {
            throw new Damaged("a file name at offset " + at + " is not UTF-8");
        }
    }

    private static byte[] inflate(byte[] comp, int usize, String name) throws Damaged {
        Inflater inf = new Inflater(true);
        try {
            inf.setInput(comp);
            byte[] out = new byte[usize];
            int n = 0;
            while (n < usize && !inf.finished()) {
                int k = inf.inflate(out, n, usize - n);
                if (k == 0 && (inf.needsInput() || inf.needsDictionary())) {
                    break;
                }
                n += k;
            }
            // Exactly the declared size, the stream's end, and no compressed byte left over.
            if (n != usize || !inf.finished() && inf.inflate(new byte[1]) != 0 || !inf.finished()
                    || inf.getRemaining() != 0) {
                throw new Damaged("the compressed content of " + name + " is damaged");
            }
            return out;
        } catch (DataFormatException e) {
            throw new Damaged("the compressed content of " + name + " is damaged (" + Errors.describe(e) + ")");
        } finally {
            inf.end();
        }
    }
}
