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
 * The artifact side of a restore test: finds a stored copy whose bytes still hash to the SHA-256
 * the ledger recorded, and streams it again for the load while proving it did not change between.
 */
final class RestoreArtifact {
    private final RestoreContext ctx;
    private final Secrets secrets;

    RestoreArtifact(RestoreContext ctx) {
        this.ctx = ctx;
        this.secrets = ctx.secrets();
    }

    /** A copy whose SHA-256 matched the ledger, and its CRC-32C from the same read. */
    record Verified(Copy copy, ArtifactStore store, long crc32c) {
    }

    /** The first copy whose bytes hash to the recorded SHA-256 and size; the others are reported. */
    Verified verify(BackupRecord b, List<Check> checks) {
        List<String> bad = new ArrayList<>();
        for (Copy c : b.copies()) {
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
                    checks.add(Check.pass("artifact", c.destination(), c.location() + ": " + n + " bytes, sha256 "
                            + got + " as recorded" + (bad.isEmpty() ? "" : " (" + String.join("; ", bad) + ")")));
                    ctx.step(b.source() + ": " + c.location() + " sha256 matches the ledger");
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
        checks.add(Check.fail("artifact", b.file(), String.join("; ", bad)));
        ctx.step(b.source() + ": REFUSED: " + String.join("; ", bad));
        return null;
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
     * Streams a verified copy and proves it is still the bytes that were verified: the same size and
     * CRC-32C as the verifying read (whose SHA-256 matched the ledger). A second SHA-256 would cost a
     * second of CPU per GB on the restore's critical path; CRC-32C runs at memory speed and catches
     * any change between the two reads.
     */
    static final class Reader {
        private final CRC32C crc = new CRC32C();
        // Volatile: the progress thread reads it while the load runs.
        private volatile long raw;
        private InputStream rawIn;

        InputStream open(Verified v, boolean gzip) throws IOException {
            InputStream in = new CheckedInputStream(v.store().open(v.copy().location()), crc) {
                @Override
                public int read() throws IOException {
                    int b = super.read();
                    if (b >= 0) {
                        raw++;
                    }
                    return b;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = super.read(b, off, len);
                    if (n > 0) {
                        raw += n;
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

        /** Null when the bytes streamed were the verified ones. */
        String mismatch(Verified v, BackupRecord b) {
            return crc.getValue() == v.crc32c() && raw == b.size() ? null
                    : "the artifact changed after it was verified: " + raw + " bytes streamed (recorded " + b.size()
                    + "), CRC-32C " + Long.toHexString(crc.getValue()) + " (verified " + Long.toHexString(v.crc32c())
                    + ")";
        }
    }
}
