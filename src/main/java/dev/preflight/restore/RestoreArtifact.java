package dev.preflight.restore;

import dev.preflight.backup.ArtifactStore;
import dev.preflight.backup.BackupPlan.Destination;
import dev.preflight.backup.BackupRecord.Copy;
import dev.preflight.backup.BackupRecord;
import dev.preflight.backup.Checkpoints;
import dev.preflight.backup.LocalDirectoryStore;
import dev.preflight.backup.Reads;
import dev.preflight.core.Errors;
import dev.preflight.core.Hashing;
import dev.preflight.core.Secrets;
import dev.preflight.core.Sizes;
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

    /**
     * The copy a restore reads, and how its bytes are proven. Either its SHA-256 matched the ledger
     * before the restore (its CRC-32C from that read then proves the second read the same), or it
     * is {@linkplain #streamed() streamed}: proven step by step against the ledger's checkpoints as
     * the restore reads it ({@link ProvenStream}), and {@link #refused()} says afterwards whether it was
     * refused, so that the next copy can be tried.
     */
    static final class Verified {
        private final BackupRecord backup;
        private final Copy copy;
        private final ArtifactStore store;
        private final long crc32c;
        private final int index;
        private final boolean streamed;
        private final List<PassedOver> passedOver;
        private final int checkAt;
        // Opened by verify with its first step proven, until the restore takes it.
        private ProvenStream opened;
        private volatile String refused;

        private Verified(BackupRecord backup, Copy copy, ArtifactStore store, long crc32c, int index, boolean streamed,
                         List<PassedOver> passedOver, int checkAt) {
            this.backup = backup;
            this.copy = copy;
            this.store = store;
            this.crc32c = crc32c;
            this.index = index;
            this.streamed = streamed;
            this.passedOver = List.copyOf(passedOver);
            this.checkAt = checkAt;
        }

        Copy copy() {
            return copy;
        }

        ArtifactStore store() {
            return store;
        }

        long crc32c() {
            return crc32c;
        }

        /** Proven while it is read, not before. */
        boolean streamed() {
            return streamed;
        }

        /** Why a streamed copy's bytes were refused (not the recorded ones, missing, unreadable), or null. */
        String refused() {
            return refused;
        }

        /** Closes a proven stream nothing took (the restore stopped before it read the artifact). */
        void close() {
            ProvenStream p = opened;
            opened = null;
            if (p != null) {
                try {
                    p.close();
                } catch (IOException ignored) {
                    // Only read from: nothing to lose.
                }
            }
        }

        private String others() {
            return passedOver.isEmpty() ? "" : " (" + PassedOver.join(passedOver) + ")";
        }
    }

    /**
     * True when the restore can prove the bytes as it reads them instead of hashing the whole
     * artifact first: the ledger has its checkpoints, or it is small enough to be proven in one step
     * held in memory.
     */
    static boolean streamable(BackupRecord b) {
        return b.checkpoints() != null || b.size() <= Checkpoints.WIDEST;
    }

    /**
     * The copy to restore from: for a {@linkplain #streamable streamable} backup the first copy
     * present with the recorded size (its bytes are proven as they are read); otherwise the first
     * copy whose bytes hash to the recorded SHA-256 and size. The others are reported.
     */
    Verified verify(BackupRecord b, List<Check> checks) {
        if (streamable(b)) {
            List<PassedOver> bad = new ArrayList<>();
            Verified v = present(b, 0, bad, checks.size());
            if (v == null) {
                checks.add(Check.fail("artifact", b.file(), PassedOver.join(bad)));
                ctx.step(b.source() + ": REFUSED: " + PassedOver.join(bad));
            }
            return v;
        }
        List<PassedOver> bad = new ArrayList<>();
        for (int i = 0; i < b.copies().size(); i++) {
            Copy c = b.copies().get(i);
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
                            + got + " as recorded" + (bad.isEmpty() ? "" : " (" + PassedOver.join(bad) + ")")));
                    ctx.step(b.source() + ": " + c.location() + " sha256 matches the ledger");
                    return new Verified(b, c, store, crc.getValue(), i, false, bad, checks.size() - 1);
                }
                bad.add(new PassedOver(c, n + " bytes, sha256 " + got + ", recorded " + b.size() + " bytes " + b.sha256()));
            } catch (NoSuchFileException e) {
                bad.add(new PassedOver(c, "missing"));
            } catch (IOException | RuntimeException e) {
                bad.add(new PassedOver(c, "unreadable: " + secrets.redact(Errors.describe(e))));
            }
        }
        checks.add(Check.fail("artifact", b.file(), PassedOver.join(bad)));
        ctx.step(b.source() + ": REFUSED: " + PassedOver.join(bad));
        return null;
    }

    /**
     * The next copy to stream after {@code v}'s was refused, or null when none is left: the refused
     * attempt's result, which says why, then stands, and every copy after it, passed over before its
     * restore began, gets its own failed {@code artifact} check in {@code checks}. Otherwise the report
     * would name only the first of several bad copies (a copy's read-ahead can reach a changed step
     * before its first step is handed over, so a later copy is refused here, not in its restore).
     */
    Verified next(BackupRecord b, Verified v, List<Check> checks) {
        List<PassedOver> bad = new ArrayList<>(v.passedOver);
        bad.add(new PassedOver(v.copy, v.refused));
        int before = bad.size();
        Verified n = present(b, v.index + 1, bad, v.checkAt);
        if (n != null) {
            ctx.step(b.source() + ": " + v.copy.location() + " was refused (" + v.refused + "); restoring from "
                    + n.copy.location() + " instead");
            return n;
        }
        for (PassedOver p : bad.subList(before, bad.size())) {
            checks.add(Check.fail("artifact", p.copy().destination(), p.copy().location() + ": refused before its"
                    + " restore began, " + p.why() + "; nothing of it was restored"));
            ctx.step(b.source() + ": " + p.copy().location() + " was refused too (" + p.why() + "); no copy is left");
        }
        return null;
    }

    /** A copy not restored from, and why (missing, another size, a step not as recorded, unreadable). */
    private record PassedOver(Copy copy, String why) {
        @Override
        public String toString() {
            return copy.location() + ": " + why;
        }

        static String join(List<PassedOver> all) {
            return String.join("; ", all.stream().map(PassedOver::toString).toList());
        }
    }

    /**
     * The first copy from {@code from} on that is there with the recorded size and whose first step
     * is as recorded (it is then open, that step proven, the next being read); each one passed over
     * is added to {@code passed} (which holds those passed over before).
     */
    private Verified present(BackupRecord b, int from, List<PassedOver> passed, int checkAt) {
        for (int i = from; i < b.copies().size(); i++) {
            Copy c = b.copies().get(i);
            try {
                ArtifactStore store = storeFor(c);
                long n = store.size(c.location());
                if (n < 0) {
                    passed.add(new PassedOver(c, "missing"));
                    continue;
                }
                if (n != b.size()) {
                    passed.add(new PassedOver(c, n + " bytes, recorded " + b.size()));
                    continue;
                }
                ProvenStream p = prove(store.open(c.location()), b);
                try {
                    p.awaitFirst();
                } catch (InterruptedException e) {
                    p.close();
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while proving " + c.location(), e);
                }
                if (p.problem() != null) {
                    p.close();
                    passed.add(new PassedOver(c, p.problem()));
                    continue;
                }
                ctx.step(b.source() + ": " + c.location() + (p.steps() == 1 ? " sha256 matches the ledger"
                        : ": its first " + Sizes.binary(p.every()) + " match the ledger's checkpoint; the rest is proven"
                        + " step by step as it is restored"));
                Verified v = new Verified(b, c, store, 0, i, true, passed, checkAt);
                v.opened = p;
                return v;
            } catch (NoSuchFileException e) {
                passed.add(new PassedOver(c, "missing"));
            } catch (IOException | RuntimeException e) {
                passed.add(new PassedOver(c, "unreadable: " + secrets.redact(Errors.describe(e))));
            }
        }
        return null;
    }

    /** The stored bytes of {@code b}, proven step by step: by its checkpoints, or as one step. */
    static ProvenStream prove(InputStream stored, BackupRecord b) {
        Checkpoints cp = b.checkpoints();
        return cp != null ? new ProvenStream(stored, b.size(), b.sha256(), cp.every(), cp.sha256())
                : new ProvenStream(stored, b.size(), b.sha256(), Math.max(1, b.size()), List.of());
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
     * Streams the copy to restore. A {@linkplain Verified#streamed() streamed} one goes through a
     * {@link ProvenStream}: every step proven against the ledger before it is handed on. Otherwise
     * the stream proves it is still the bytes that were verified before: the same size and CRC-32C
     * as the verifying read (whose SHA-256 matched the ledger); CRC-32C runs at memory speed, but it
     * only finds a change once the changed bytes were loaded, which is why new backups record
     * checkpoints.
     */
    static final class Reader {
        private final CRC32C crc = new CRC32C();
        // Volatile: the progress thread reads it while the load runs.
        private volatile long raw;
        private volatile ProvenStream proven;
        private InputStream rawIn;

        InputStream open(Verified v, boolean gzip) throws IOException {
            InputStream in;
            if (v.streamed()) {
                ProvenStream p = v.opened;
                v.opened = null;
                if (p == null) {
                    // Read again (a load started over): proven again, from the start.
                    InputStream stored;
                    try {
                        stored = v.store().open(v.copy().location());
                    } catch (NoSuchFileException e) {
                        v.refused = "missing";
                        throw e;
                    } catch (IOException e) {
                        v.refused = "unreadable: " + Errors.describe(e);
                        throw e;
                    }
                    p = prove(stored, v.backup);
                }
                proven = p;
                in = p;
            } else {
                in = new CheckedInputStream(v.store().open(v.copy().location()), crc) {
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
            }
            rawIn = in;
            return gzip ? new GZIPInputStream(in, 1 << 16) : in;
        }

        /** Bytes of the stored artifact read so far (for a streamed copy: proven and handed on). */
        long read() {
            ProvenStream p = proven;
            return p != null ? p.delivered() : raw;
        }

        /** Reads what the decompressor left (its trailer, anything after it) so every byte is checked. */
        void drain() throws IOException {
            Reads.toEnd(rawIn);
        }

        /** Null when the bytes streamed were the verified ones, all of them. */
        String mismatch(Verified v, BackupRecord b) {
            ProvenStream p = proven;
            if (v.streamed()) {
                if (p == null) {
                    return v.refused != null ? "the artifact " + v.copy().location() + " is " + v.refused
                            : "the artifact was not read";
                }
                if (p.problem() != null) {
                    return "the artifact " + v.copy().location() + " is not as recorded: " + p.problem();
                }
                return p.complete() ? null : "the artifact was read only to byte " + p.delivered() + " of " + b.size();
            }
            return crc.getValue() == v.crc32c() && raw == b.size() ? null
                    : "the artifact changed after it was verified: " + raw + " bytes streamed (recorded " + b.size()
                    + "), CRC-32C " + Long.toHexString(crc.getValue()) + " (verified " + Long.toHexString(v.crc32c())
                    + ")";
        }

        /**
         * For a streamed copy, once it was read: its {@code artifact} check (where a verified copy's
         * check goes), and the reason it was refused, if it was, on {@code v}.
         */
        void settle(Verified v, List<Check> checks) {
            if (!v.streamed()) {
                return;
            }
            ProvenStream p = proven;
            String where = v.copy().location();
            BackupRecord b = v.backup;
            Check c;
            if (p == null || p.problem() != null) {
                v.refused = p == null ? (v.refused == null ? "not read" : v.refused) : p.problem();
                c = Check.fail("artifact", v.copy().destination(), where + ": refused, " + v.refused
                        + "; no byte past the last step proven against the ledger was restored" + v.others());
            } else if (p.complete()) {
                c = Check.pass("artifact", v.copy().destination(), where + ": " + b.size() + " bytes, sha256 "
                        + b.sha256() + " as recorded, " + (p.steps() == 1 ? "proven before a byte of it was restored"
                        : "proven in " + p.steps() + " steps of " + Sizes.binary(p.every())
                        + " against the ledger's checkpoints, each before it was restored") + v.others());
            } else {
                c = Check.warn("artifact", v.copy().destination(), where + ": proven up to byte " + p.delivered()
                        + " of " + b.size() + "; the restore stopped before the rest was read" + v.others());
            }
            checks.add(Math.min(v.checkAt, checks.size()), c);
        }
    }
}
