package dev.preflight.backup;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.backup.BackupEvidence.VerifiedCopy;
import dev.preflight.backup.BackupEvidence.VerifyPayload;
import dev.preflight.backup.BackupPlan.Destination;
import dev.preflight.backup.BackupPlan.Source;
import dev.preflight.backup.BackupRecord.Copy;
import dev.preflight.backup.CopyCheck.Status;
import dev.preflight.core.Errors;
import dev.preflight.core.Futures;
import dev.preflight.core.Hashing;
import dev.preflight.core.Json;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.GZIPInputStream;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The verb {@code backup verify} (runbook §2 step 3): re-hashes every copy of the given backups
 * where it is stored, compares with the ledger, and records one {@code backup-verify} entry per backup.
 */
public final class BackupVerify {
    private static final int MAX_PARALLEL = 4;
    private final BackupContext ctx;
    private final BackupCatalog catalog;
    // Per pair of destination names, whether the servers said they are one place (asked once per verification).
    private final Map<String, Boolean> onePlace = new ConcurrentHashMap<>();

    /** A verification in the given context. */
    public BackupVerify(BackupContext ctx) {
        this.ctx = ctx;
        this.catalog = new BackupCatalog(ctx);
    }

    /** Re-hashes every copy of the given backups against the ledger and records one entry per backup. */
    public List<CopyCheck> verify(List<BackupRecord> backups) {
        List<BackupRecord> current = catalog.all();
        List<CopyCheck> all = new ArrayList<>();
        // Every copy is re-hashed on a small pool, results taken in order: one copy at a time left a
        // core idle (the hash is CPU-bound once the file is cached); a few at once is what a disk or
        // a store carries without thrashing.
        int copies = backups.stream().mapToInt(b -> b.copies().size()).sum();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(copies,
                Math.min(MAX_PARALLEL, Runtime.getRuntime().availableProcessors()))), r -> {
                    Thread t = new Thread(r, "preflight-verify");
                    t.setDaemon(true);
                    return t;
                });
        try {
            List<List<Future<CopyCheck>>> hashing = new ArrayList<>();
            for (BackupRecord b : backups) {
                List<Future<CopyCheck>> fs = new ArrayList<>();
                for (Copy c : b.copies()) {
                    fs.add(pool.submit(() -> check(b, c)));
                }
                hashing.add(fs);
            }
            for (int i = 0; i < backups.size(); i++) {
                all.addAll(record(backups.get(i), await(hashing.get(i)), current));
            }
        } finally {
            pool.shutdownNow();
        }
        return all;
    }


    /** The checks, in order; a check that threw is a bug, reported as one. */
    private static List<CopyCheck> await(List<Future<CopyCheck>> fs) {
        List<CopyCheck> out = new ArrayList<>(fs.size());
        for (Future<CopyCheck> f : fs) {
            try {
                out.add(Futures.await(f));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while verifying", e);
            } catch (IOException e) {
                // A check reports its own I/O failures: one that escaped it is a bug (exit 4), not the disk's.
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    /** One backup's copies judged together (same-file, bucket objects) and its ledger entry appended. */
    private List<CopyCheck> record(BackupRecord b, List<CopyCheck> hashed, List<BackupRecord> current) {
        List<CopyCheck> checks = new ArrayList<>(hashed);
        markSameFiles(checks);
        // A later backup into the same target bucket supersedes this one's view of the objects.
        boolean superseded = b.bucketCopy() != null && current.stream().anyMatch(o -> o.seq() > b.seq()
                && o.source().equals(b.source()) && b.bucketCopy().equals(o.bucketCopy()));
        if (b.bucketCopy() != null && !superseded) {
            checks.addAll(checkBucketCopy(b, checks));
        }
        boolean ok = checks.stream().allMatch(c -> c.status() == Status.OK);
        String bad = String.join(", ", checks.stream().filter(c -> c.status() != Status.OK)
                .map(c -> c.copy().location() + " " + c.status().label()
                        + (c.status() == Status.SAME_FILE ? " (" + c.detail() + ")" : "")).toList());
        ctx.ledger().append(NewEntry.of(BackupEvidence.VERIFY_KIND, b.source(),
                ok ? Outcome.PASSED : Outcome.FAILED,
                ok ? b.file() + ": " + checks.size() + " copies match the ledger" : b.file() + ": " + bad,
                new VerifyPayload(b.id(), checks.stream().map(VerifiedCopy::of).toList())));
        ctx.step("verify " + b.shortId() + " " + b.file() + ": " + (ok ? "ok" : bad));
        return checks;
    }

    /**
     * For a bucket backup, the objects themselves: every object the manifest lists is re-read from
     * the target bucket and hashed. One row per bad object, one row for all good ones.
     */
    private List<CopyCheck> checkBucketCopy(BackupRecord b, List<CopyCheck> manifestChecks) {
        Source src = ctx.plan().source(b.source()).orElse(null);
        CopyCheck readable = manifestChecks.stream().filter(c -> c.status() == Status.OK).findFirst().orElse(null);
        if (readable == null) {
            return List.of();
        }
        List<CopyCheck> out = new ArrayList<>();
        JsonNode manifest;
        try (InputStream in = ctx.storeFor(readable.copy()).open(readable.copy().location())) {
            manifest = Json.mapper().readTree(b.file().endsWith(".gz") ? new GZIPInputStream(in) : in);
        } catch (IOException | RuntimeException e) {
            return List.of(new CopyCheck(b, readable.copy(), Status.UNREADABLE, null, "manifest unreadable: "
                    + ctx.secrets().redact(Errors.describe(e))));
        }
        String target = manifest.path("target").asText();
        String bucket = S3Clients.parse(target)[0];
        if (src == null || src.s3() == null) {
            return List.of(new CopyCheck(b, new Copy("bucket", target, 0, ""), Status.UNREADABLE, null,
                    "source " + b.source() + " is no longer in the plan: its bucket copy cannot be reached"));
        }
        BackupPlan.S3Endpoint endpoint = src.s3().target() != null ? src.s3().target() : src.s3().endpoint();
        long good = 0;
        long bytes = 0;
        try (S3Client s3 = S3Clients.create(endpoint)) {
            S3Store store = new S3Store("bucket", s3, bucket, "");
            for (JsonNode o : manifest.path("objects")) {
                Copy c = new Copy("bucket", "s3://" + bucket + "/" + o.path("target_key").asText(),
                        o.path("size").asLong(), o.path("sha256").asText());
                CopyCheck r = check(b, c, store);
                if (r.status() == Status.OK) {
                    good++;
                    bytes += c.size();
                } else {
                    out.add(r);
                }
            }
        }
        out.add(0, new CopyCheck(b, new Copy("bucket", target + " (" + good + " objects)", bytes, ""), Status.OK,
                null, null));
        return out;
    }

    /**
     * Two copies that are one physical file (a symlink or hard link to the other, the same device
     * and inode; or the same object of one bucket) are not two copies: both fail, each naming the other.
     */
    private void markSameFiles(List<CopyCheck> checks) {
        for (int j = 1; j < checks.size(); j++) {
            for (int i = 0; i < j; i++) {
                CopyCheck a = checks.get(i);
                CopyCheck b = checks.get(j);
                if (a.status() == Status.MISSING || b.status() == Status.MISSING
                        || !(sameFile(ctx.plan(), a.copy(), b.copy()) || onePlace(a.copy(), b.copy()))) {
                    continue;
                }
                checks.set(i, sameFileCheck(a, b.copy()));
                checks.set(j, sameFileCheck(b, a.copy()));
            }
        }
    }

    /**
     * Whether two copies at the same key in two S3 destinations that the plan spells as two servers
     * are one object: the servers are asked ({@link SamePlace}) once per pair of destinations in this
     * verification. A backup run asks before it writes, but copies written before it did, or before
     * a DNS alias changed, would otherwise read as two intact copies. A store that cannot be asked
     * (no write permission for the marker, say) is no evidence either way.
     */
    private boolean onePlace(Copy a, Copy b) {
        if (!a.location().startsWith("s3://") || !a.location().equals(b.location())) {
            return false;
        }
        Destination da = ctx.plan().destination(a.destination()).orElse(null);
        Destination db = ctx.plan().destination(b.destination()).orElse(null);
        if (da == null || db == null || !BackupPlan.sameKeysElsewhere(da, db)) {
            return false;
        }
        return onePlace.computeIfAbsent(da.name() + "\n" + db.name(), k -> {
            try {
                return SamePlace.probe(ctx.store(da), ctx.store(db));
            } catch (IOException | RuntimeException e) {
                return false;
            }
        });
    }

    private static CopyCheck sameFileCheck(CopyCheck c, Copy other) {
        String detail = "the same file as the copy in " + other.destination() + " (" + other.location()
                + "): one physical file is not two copies";
        if (c.status() == Status.SAME_FILE) {
            detail = c.detail() + "; also " + detail;
        }
        return new CopyCheck(c.backup(), c.copy(), Status.SAME_FILE, c.actual(), detail);
    }

    /** Null when every copy is its own file, else which two are one. */
    static String sameFiles(BackupPlan plan, List<Copy> copies) {
        for (int j = 1; j < copies.size(); j++) {
            for (int i = 0; i < j; i++) {
                if (sameFile(plan, copies.get(i), copies.get(j))) {
                    return "the copies in " + copies.get(i).destination() + " (" + copies.get(i).location() + ") and "
                            + copies.get(j).destination() + " (" + copies.get(j).location()
                            + ") are the same file: one physical file is not two copies";
                }
            }
        }
        return null;
    }

    private static boolean sameFile(BackupPlan plan, Copy a, Copy b) {
        if (a.location().startsWith("/") && b.location().startsWith("/")) {
            try {
                return Files.isSameFile(Path.of(a.location()),
                        Path.of(b.location()));
            } catch (IOException e) {
                return false; // a missing or unreadable copy is reported as such by its own check
            }
        }
        if (a.location().equals(b.location()) && a.location().startsWith("s3://")) {
            Destination da = plan.destination(a.destination()).orElse(null);
            Destination db = plan.destination(b.destination()).orElse(null);
            return da == null || db == null || BackupPlan.overlap(da, db) != null;
        }
        return false;
    }

    private CopyCheck check(BackupRecord b, Copy c) {
        ArtifactStore store;
        try {
            store = ctx.storeFor(c);
        } catch (RuntimeException e) {
            return new CopyCheck(b, c, Status.UNREADABLE, null, ctx.secrets().redact(Errors.describe(e)));
        }
        return check(b, c, store);
    }

    private CopyCheck check(BackupRecord b, Copy c, ArtifactStore store) {
        try {
            if (!store.exists(c.location())) {
                return new CopyCheck(b, c, Status.MISSING, null, "the copy is not there");
            }
            MessageDigest md = Hashing.sha256();
            long n;
            // With the backup's checkpoints, a bad copy is also told where it departs from them.
            Checkpoints.Follower follower = b.checkpoints() == null || !c.sha256().equals(b.sha256())
                    || c.size() != b.size() ? null : b.checkpoints().follow(md);
            try (InputStream raw = store.open(c.location())) {
                if (follower == null) {
                    CountingDigest in = new CountingDigest(raw, md);
                    Reads.toEnd(in);
                    n = in.count;
                } else {
                    n = 0;
                    byte[] buf = new byte[1 << 16];
                    int r;
                    while ((r = raw.read(buf)) > 0) {
                        follower.update(buf, 0, r);
                        n += r;
                    }
                }
            }
            String got = HexFormat.of().formatHex(md.digest());
            if (!got.equals(c.sha256()) || n != c.size()) {
                String where = follower == null ? "" : follower.where();
                return new CopyCheck(b, c, Status.MISMATCH, got, n + " bytes, recorded " + c.size()
                        + (where.isEmpty() ? "" : "; " + where));
            }
            return new CopyCheck(b, c, Status.OK, got, null);
        } catch (NoSuchFileException e) {
            return new CopyCheck(b, c, Status.MISSING, null, "the copy is not there");
        } catch (IOException | RuntimeException e) {
            return new CopyCheck(b, c, Status.UNREADABLE, null, ctx.secrets().redact(Errors.describe(e)));
        }
    }
}
