package dev.preflight.restore;

import dev.preflight.backup.ArtifactStore;
import dev.preflight.backup.BackupPlan.Destination;
import dev.preflight.backup.BackupRecord.Copy;
import dev.preflight.backup.BackupRecord;
import dev.preflight.backup.LocalDirectoryStore;
import dev.preflight.backup.Reads;
import dev.preflight.core.Errors;
import dev.preflight.core.Hashing;
import dev.preflight.core.Secrets;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.GZIPInputStream;

/**
 * The artifact side of a restore test: finds a stored copy whose bytes hash to the SHA-256 the ledger
 * recorded. Either the copy is hashed first and streamed again while proving it did not change
 * between ({@link Verified}), or (a scratch load, dropped whatever happens) it is streamed once and
 * its SHA-256 is taken from the very bytes loaded ({@link Streamed}), which saves a whole read and
 * hash of the artifact before the load.
 */
final class RestoreArtifact {
    private final RestoreContext ctx;
    private final Secrets secrets;

    RestoreArtifact(RestoreContext ctx) {
        this.ctx = ctx;
        this.secrets = ctx.secrets();
    }

    /** The copy a load streams, and how its bytes are proven to be the recorded ones. */
    sealed interface Chosen permits Verified, Streamed {
        Copy copy();

        ArtifactStore store();
    }

    /** A copy whose SHA-256 matched the ledger, and its CRC-32C from the same read. */
    record Verified(Copy copy, ArtifactStore store, long crc32c) implements Chosen {
    }

    /**
     * A copy of the recorded size whose SHA-256 is taken while it streams into the load; nothing
     * loaded from it counts until that hash matched. {@code skipped}: the copies passed over before it.
     */
    record Streamed(Copy copy, ArtifactStore store, List<String> skipped) implements Chosen {
        Streamed {
            skipped = List.copyOf(skipped);
        }
    }

    /** The first copy whose bytes hash to the recorded SHA-256 and size; the others are reported. */
    Verified verify(BackupRecord b, List<Check> checks) {
        return verify(b, checks, List.of(), null);
    }

    /**
     * The first copy other than {@code excluded} whose bytes hash to the recorded SHA-256 and size;
     * {@code known} (what is known of copies already tried) and the others are reported in its check.
     */
    Verified verify(BackupRecord b, List<Check> checks, List<String> known, Copy excluded) {
        List<String> bad = new ArrayList<>(known);
        for (Copy c : b.copies()) {
            if (c.equals(excluded)) {
                continue;
            }
            try {
                ArtifactStore store = storeFor(c);
                MessageDigest md = Hashing.sha256();
                CRC32C crc = new CRC32C();
                long n;
                try (InputStream in = new CheckedInputStream(new DigestInputStream(store.open(c.location()), md), crc)) {
                    n = Reads.toEnd(in);
                }
                String got = HexFormat.of().formatHex(md.digest());
                if (got.equals(b.sha256()) && n == b.size()) {
                    checks.add(matched(b, c, n, got, bad));
                    return new Verified(c, store, crc.getValue());
                }
                bad.add(c.location() + ": " + n + " bytes, sha256 " + got + ", recorded " + b.size() + " bytes "
                        + b.sha256());
            } catch (NoSuchFileException e) {
                bad.add(c.location() + ": missing");
            } catch (IOException | RuntimeException e) {
                bad.add(c.location() + ": unreadable: " + secrets.redact(Errors.describe(e)));
            }
        }
        checks.add(refused(b, bad));
        return null;
    }

    /**
     * The first copy that is there with the recorded size (one stat or HEAD each, nothing read), to be
     * hashed as it streams; null, with the failed check added, when no copy is. A copy that is
     * missing, truncated or grown is thus still refused before anything touches a server.
     */
    Streamed streamable(BackupRecord b, List<Check> checks) {
        List<String> bad = new ArrayList<>();
        for (Copy c : b.copies()) {
            try {
                ArtifactStore store = storeFor(c);
                long n = store.size(c.location());
                if (n < 0) {
                    bad.add(c.location() + ": missing");
                } else if (n != b.size()) {
                    bad.add(c.location() + ": " + n + " bytes, recorded " + b.size() + " bytes " + b.sha256());
                } else {
                    return new Streamed(c, store, bad);
                }
            } catch (NoSuchFileException e) {
                bad.add(c.location() + ": missing");
            } catch (IOException | RuntimeException e) {
                bad.add(c.location() + ": unreadable: " + secrets.redact(Errors.describe(e)));
            }
        }
        checks.add(refused(b, bad));
        return null;
    }

    /** The passed artifact check of copy {@code c} (the copies passed over before it in parentheses). */
    Check matched(BackupRecord b, Copy c, long n, String sha256, List<String> bad) {
        ctx.step(b.source() + ": " + c.location() + " sha256 matches the ledger");
        return Check.pass("artifact", c.destination(), c.location() + ": " + n + " bytes, sha256 " + sha256
                + " as recorded" + (bad.isEmpty() ? "" : " (" + String.join("; ", bad) + ")"));
    }

    private Check refused(BackupRecord b, List<String> bad) {
        ctx.step(b.source() + ": REFUSED: " + String.join("; ", bad));
        return Check.fail("artifact", b.file(), String.join("; ", bad));
    }

    private ArtifactStore storeFor(Copy c) {
        Destination d = ctx.backups().destination(c.destination()).orElse(null);
        if (d != null) {
            return ctx.stores().open(d);
        }
        if (c.location().startsWith("/")) {
            return new LocalDirectoryStore(c.destination(), Path.of(c.location()).getParent());
        }
        throw new IllegalStateException("destination '" + c.destination() + "' is no longer in the plan");
    }

    /**
     * Streams a chosen copy and proves its bytes are the recorded ones. A {@link Verified} copy: the
     * same size and CRC-32C as the verifying read (a second SHA-256 would cost a second of CPU per GB
     * on the restore's critical path; CRC-32C runs at memory speed and catches any accidental change
     * between the two reads). A {@link Streamed} copy: the SHA-256 and size of exactly the bytes
     * streamed, against the ledger.
     */
    static final class Reader {
        private final CRC32C crc = new CRC32C();
        private MessageDigest sha;
        // Volatile: the progress thread reads it while the load runs.
        private volatile long raw;
        private InputStream rawIn;
        private boolean ended;
        private String digest;

        InputStream open(Chosen c, boolean gzip) throws IOException {
            InputStream stored = c.store().open(c.copy().location());
            if (c instanceof Streamed) {
                sha = Hashing.sha256();
                stored = new DigestInputStream(stored, sha);
            }
            InputStream in = new CheckedInputStream(stored, crc) {
                @Override
                public int read() throws IOException {
                    int b = super.read();
                    if (b >= 0) {
                        raw++;
                    } else {
                        ended = true;
                    }
                    return b;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = super.read(b, off, len);
                    if (n > 0) {
                        raw += n;
                    } else if (n < 0) {
                        ended = true;
                    }
                    return n;
                }
            };
            rawIn = in;
            return gzip ? new GZIPInputStream(in, 1 << 16) : in;
        }

        /** Bytes of the stored artifact read so far. */
        long read() {
            return raw;
        }

        /** Reads what the decompressor left (its trailer, anything after it) so every byte is checked. */
        void drain() throws IOException {
            Reads.toEnd(rawIn);
        }

        /** Whether the stored copy was read to its end (a load that stopped early did not). */
        boolean ended() {
            return ended;
        }

        /** The SHA-256 of the bytes streamed (a {@link Streamed} copy read to its end), else null. */
        String sha256() {
            if (digest == null && sha != null && ended) {
                digest = HexFormat.of().formatHex(sha.digest());
            }
            return digest;
        }

        /** Null when the bytes streamed were the verified (or recorded) ones. */
        String mismatch(Chosen c, BackupRecord b) {
            if (c instanceof Verified v) {
                return crc.getValue() == v.crc32c() && raw == b.size() ? null
                        : "the artifact changed after it was verified: " + raw + " bytes streamed (recorded "
                        + b.size() + "), CRC-32C " + Long.toHexString(crc.getValue()) + " (verified "
                        + Long.toHexString(v.crc32c()) + ")";
            }
            String got = sha256();
            return got != null && got.equals(b.sha256()) && raw == b.size() ? null
                    : c.copy().location() + ": " + raw + " bytes" + (got == null ? " (not read to its end)"
                    : ", sha256 " + got) + ", recorded " + b.size() + " bytes " + b.sha256();
        }
    }
}
