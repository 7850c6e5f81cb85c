package dev.preflight.backup;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.backup.BackupEvidence.DeletedCopy;
import dev.preflight.backup.BackupEvidence.PrunePayload;
import dev.preflight.backup.BackupPlan.Source;
import dev.preflight.backup.BackupRecord.Copy;
import dev.preflight.backup.PruneItem.Action;
import dev.preflight.core.Errors;
import dev.preflight.core.ExclusiveLock;
import dev.preflight.core.Json;
import dev.preflight.core.Sizes;
import dev.preflight.run.Freshness;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The verb {@code backup prune} (runbook §2 step 5): applies retention per source and records the
 * deletions; the newest verified backup of a source is always kept.
 */
public final class BackupPrune {
    private final BackupContext ctx;
    private final BackupCatalog catalog;

    /** A prune in the given context. */
    public BackupPrune(BackupContext ctx) {
        this.ctx = ctx;
        this.catalog = new BackupCatalog(ctx);
    }

    /**
     * Applies retention per source: a backup whose retention ended is deleted (with {@code apply}),
     * except the newest verified backup of its source, which is always kept. A source is refused whole
     * (nothing of it deleted) when the clock cannot be trusted for it: the clock is before the newest
     * ledger entry, or even the newest backup of the source is past its retention (the clock runs ahead,
     * or backups of it stopped; either way deleting by age would destroy the restore points that are
     * left). Per source, the intent (every copy about to be deleted) is recorded before the first
     * deletion and the outcome after the last, so a prune killed in between leaves its copies in doubt
     * ({@link BackupCatalog}), never listed as present and verified.
     */
    public List<PruneItem> prune(boolean apply) {
        if (!apply) {
            return pruneAs(false);
        }
        // Deleting takes the lock of every source a backup run takes (plan and ledger alike, in one
        // order), then reads the ledger again: a run, a second prune (another bastion on the same
        // ledger) or a verify that finished meanwhile is seen before anything is chosen for deletion.
        Set<String> sources = new TreeSet<>();
        ctx.plan().sources().forEach(s -> sources.add(s.name()));
        catalog.all().forEach(b -> sources.add(b.source()));
        List<ExclusiveLock> held = new ArrayList<>();
        try {
            for (String s : sources) {
                held.add(BackupLock.acquire(ctx.locks(), ctx.plan().lockDir(), s, ctx.clock().instant(), "backup prune"));
            }
            return pruneAs(true);
        } finally {
            for (int i = held.size() - 1; i >= 0; i--) {
                held.get(i).close();
            }
        }
    }

    private List<PruneItem> pruneAs(boolean apply) {
        Instant now = ctx.clock().instant();
        List<BackupRecord> all = catalog.all();
        Map<String, BackupRecord> newestVerified = new HashMap<>();
        Map<String, BackupRecord> newest = new HashMap<>();
        for (BackupRecord b : all) {
            if (b.lastVerifyOk()) {
                newestVerified.merge(b.source(), b, (x, y) -> y.seq() > x.seq() ? y : x);
            }
            newest.merge(b.source(), b, (x, y) -> y.seq() > x.seq() ? y : x);
        }
        Map<String, String> refused = refusals(newest, now);
        List<BackupRecord> ordered = all.stream().sorted(Comparator.comparing(BackupRecord::source)
                .thenComparing(BackupRecord::seq)).toList();
        Set<String> keptBucketCopies = new HashSet<>();
        Map<BackupRecord, Action> actions = new LinkedHashMap<>();
        for (BackupRecord b : ordered) {
            boolean expired = !b.retentionUntil().isAfter(now);
            Action a = refused.containsKey(b.source()) ? Action.REFUSED : !expired ? Action.KEEP
                    : newestVerified.get(b.source()) == b ? Action.KEEP_NEWEST_VERIFIED : Action.DELETE;
            actions.put(b, a);
            if (a != Action.DELETE && b.bucketCopy() != null) {
                keptBucketCopies.add(b.bucketCopy());
            }
        }
        Map<BackupRecord, List<String>> errorsOf = new HashMap<>();
        if (apply) {
            Map<String, List<BackupRecord>> doomed = new LinkedHashMap<>();
            actions.forEach((b, a) -> {
                if (a == Action.DELETE) {
                    doomed.computeIfAbsent(b.source(), k -> new ArrayList<>()).add(b);
                }
            });
            doomed.forEach((s, backups) -> delete(s, backups, keptBucketCopies, now, errorsOf));
            new LinkedHashSet<>(refused.keySet()).forEach(s -> ctx.ledger().append(NewEntry.of(
                    BackupEvidence.PRUNE_KIND, s, Outcome.FAILED, "refused: " + refused.get(s),
                    new PrunePayload(List.of(), List.of(refused.get(s)), now, List.of(), null, refused.get(s)))));
        }
        List<PruneItem> items = new ArrayList<>();
        for (BackupRecord b : ordered) {
            Action a = actions.get(b);
            items.add(switch (a) {
                case REFUSED -> new PruneItem(b, a, refused.get(b.source()), List.of());
                case KEEP -> new PruneItem(b, a, "retained until " + b.retentionUntil(), List.of());
                case KEEP_NEWEST_VERIFIED -> new PruneItem(b, a, "expired " + b.retentionUntil()
                        + " but the newest verified backup of " + b.source() + " is always kept", List.of());
                case DELETE -> new PruneItem(b, a, "retention ended " + b.retentionUntil()
                        + (dropsObjects(b, keptBucketCopies) ? "; its bucket copy " + b.bucketCopy() + " goes too" : ""),
                        errorsOf.getOrDefault(b, List.of()));
            });
        }
        if (apply) {
            for (PruneItem i : items) {
                if (i.action() == Action.DELETE) {
                    ctx.log(List.of(BackupContext.fmt(now), i.backup().source(),
                            i.errors().isEmpty() ? "pruned" : "prune failed",
                            i.backup().file(), Sizes.binary(i.backup().size()), i.backup().sha256(),
                            String.join("\n", i.backup().copies().stream().map(Copy::location).toList()),
                            BackupContext.DATE.format(i.backup().retentionUntil()), i.backup().shortId()));
                }
            }
        }
        return items;
    }

    /**
     * Why a source may not be pruned at {@code now} (source to reason): every source when the clock
     * is before the newest ledger entry; a source whose newest backup is itself past its retention.
     */
    private Map<String, String> refusals(Map<String, BackupRecord> newest, Instant now) {
        Map<String, String> out = new LinkedHashMap<>();
        // Two bastions on one ledger differ by seconds; a clock behind by more than the tolerance is wrong.
        // Not only the head: every command run on the wrong clock appends an entry dated by it.
        LedgerEntry later = Freshness.entryAfter(ctx.ledger(), now).orElse(null);
        if (later != null) {
            String why = "this clock says " + now + ", before ledger entry #" + later.seq() + " (" + later.time()
                    + ", by " + later.actor() + "): the clock is wrong, and retention judged by it is too; nothing is deleted"
                    + " (fix the clock, then prune)";
            newest.keySet().forEach(s -> out.put(s, why));
            return out;
        }
        for (BackupRecord b : newest.values()) {
            StoreClock store = storeClock(b, now);
            if (store.refusal() != null) {
                out.put(b.source(), store.refusal());
            } else if (!b.retentionUntil().isAfter(now)) {
                out.put(b.source(), "even the newest backup of " + b.source() + " (" + b.shortId() + ", taken "
                        + b.time() + ") is past its retention (" + b.retentionUntil() + ") by this clock (" + now
                        + "): either the clock is wrong (ahead) or backups of " + b.source() + " stopped; deleting"
                        + " by age now would leave only the newest, so nothing of " + b.source() + " is deleted"
                        + " (check the clock and preflight backup run --source " + b.source() + ", then prune)");
            } else if (!store.answered()) {
                // No store could say (every copy is in a local directory, dated by this host's clock): the
                // source's own server is the second clock. A clock ahead by less than the retention passed
                // every check above and deleted backups days before their time.
                String skew = sourceClock(b, now);
                if (skew != null) {
                    out.put(b.source(), skew);
                }
            }
        }
        return out;
    }

    /**
     * Why a store's own clock (an S3 server's, asked with one HEAD of each copy of the newest backup)
     * says this host's clock is wrong, or null: the store's time now differs from this clock by more
     * than the tolerance, or the store stored the newest copy well before the ledger says the backup
     * was taken (the clock ran ahead when it was taken: a backup then a prune on a clock that jumped,
     * and the jump would make every older backup look expired) or more than a day after (it ran
     * behind, and the backup would expire early). A store that cannot say is no evidence either way.
     */
    private StoreClock storeClock(BackupRecord b, Instant now) {
        boolean answered = false;
        for (Copy c : b.copies()) {
            ArtifactStore.StoreTimes t;
            try {
                t = ctx.storeFor(c).times(c.location()).orElse(null);
            } catch (IOException | RuntimeException e) {
                continue;
            }
            if (t == null) {
                continue;
            }
            answered = true;
            String where = "the store of " + c.destination();
            if (t.storeNow() != null && Duration.between(t.storeNow(), now).abs().compareTo(Freshness.CLOCK_TOLERANCE) > 0) {
                return new StoreClock("this clock says " + now + " but " + where + " says " + t.storeNow() + ": one of the clocks is"
                        + " wrong, and retention judged by this one cannot be trusted; nothing of " + b.source()
                        + " is deleted (fix the clock, then prune)", true);
            }
            if (t.storedAt() != null && (t.storedAt().isBefore(b.time().minus(Freshness.CLOCK_TOLERANCE))
                    || t.storedAt().isAfter(b.time().plus(Duration.ofDays(1))))) {
                return new StoreClock("the newest backup of " + b.source() + " (" + b.shortId() + ") is recorded as taken at "
                        + b.time() + " but " + where + " stored its copy " + c.location() + " at " + t.storedAt()
                        + ": the clock was wrong when it was taken, and retention judged from it cannot be trusted;"
                        + " nothing of " + b.source() + " is deleted (fix the clock, take a new backup, then prune)",
                        true);
            }
        }
        return new StoreClock(null, answered);
    }

    /** What the stores' clocks said of a source's newest backup: why not to prune (or null), and whether any store could say. */
    private record StoreClock(String refusal, boolean answered) {
    }

    /**
     * Why the source's own server (its clock, asked with one query: {@link Producer#serverNow}) says
     * this host's clock is wrong, or null: they differ by more than the tolerance. A server that
     * cannot be reached or asked is no evidence either way.
     */
    private String sourceClock(BackupRecord b, Instant now) {
        Source s = ctx.plan().source(b.source()).orElse(null);
        if (s == null) {
            return null;
        }
        Instant server;
        try {
            server = ctx.producers().apply(s).serverNow().orElse(null);
        } catch (IOException | RuntimeException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
        if (server == null || Duration.between(server, now).abs().compareTo(Freshness.CLOCK_TOLERANCE) <= 0) {
            return null;
        }
        return "this clock says " + now + " but the server of " + s.name() + " (" + s.origin() + ") says " + server
                + ": one of the clocks is wrong, and retention judged by this one cannot be trusted (every copy is in"
                + " a local directory, dated by this host's clock); nothing of " + s.name() + " is deleted (fix the"
                + " clock, then prune)";
    }

    private static boolean dropsObjects(BackupRecord b, Set<String> keptBucketCopies) {
        return b.bucketCopy() != null && !keptBucketCopies.contains(b.bucketCopy());
    }

    /**
     * Deletes one source's expired backups: first an intent entry naming every copy about to go, then
     * the deletions, then the outcome entry naming the intent (what was deleted, what could not be).
     */
    private void delete(String source, List<BackupRecord> backups, Set<String> keptBucketCopies, Instant now,
                        Map<BackupRecord, List<String>> errorsOf) {
        List<DeletedCopy> intent = new ArrayList<>();
        for (BackupRecord b : backups) {
            if (dropsObjects(b, keptBucketCopies)) {
                intent.add(new DeletedCopy(b.id(), "bucket", b.bucketCopy(), null, null, b.retentionUntil()));
            }
            for (Copy c : b.copies()) {
                intent.add(new DeletedCopy(b.id(), c.destination(), c.location(), c.sha256(), null, b.retentionUntil()));
            }
        }
        LedgerEntry announced = ctx.ledger().append(NewEntry.of(BackupEvidence.PRUNE_KIND, source, Outcome.ERROR,
                "about to delete " + intent.size() + " expired cop" + (intent.size() == 1 ? "y" : "ies")
                        + " (no outcome entry after this one: the prune was stopped and they are possibly gone)",
                new PrunePayload(List.of(), List.of(), now, intent, null, null)));
        List<DeletedCopy> deleted = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (BackupRecord b : backups) {
            List<String> mine = new ArrayList<>();
            errorsOf.put(b, mine);
            if (dropsObjects(b, keptBucketCopies)) {
                try {
                    long n = deleteBucketCopy(b);
                    deleted.add(new DeletedCopy(b.id(), "bucket", b.bucketCopy(), null, n, b.retentionUntil()));
                } catch (IOException | RuntimeException e) {
                    // Keep the manifest: without it nobody knows which objects belong to this copy.
                    mine.add(b.bucketCopy() + ": " + ctx.secrets().redact(Errors.describe(e)));
                    errors.addAll(mine);
                    continue;
                }
            }
            for (Copy c : b.copies()) {
                try {
                    ctx.storeFor(c).delete(c.location());
                    deleted.add(new DeletedCopy(b.id(), c.destination(), c.location(), c.sha256(), null,
                            b.retentionUntil()));
                } catch (IOException | RuntimeException e) {
                    String err = c.location() + ": " + ctx.secrets().redact(Errors.describe(e));
                    mine.add(err);
                    errors.add(err);
                }
            }
        }
        ctx.ledger().append(NewEntry.of(BackupEvidence.PRUNE_KIND, source,
                errors.isEmpty() ? Outcome.PASSED : Outcome.FAILED,
                "deleted " + deleted.size() + " expired cop" + (deleted.size() == 1 ? "y" : "ies")
                        + (errors.isEmpty() ? "" : ", " + errors.size() + " deletion(s) failed"),
                new PrunePayload(deleted, errors, now, List.of(), announced.id(), null)));
    }

    /** Deletes exactly the objects a bucket backup's manifest lists (never "everything under a prefix"). */
    private long deleteBucketCopy(BackupRecord b) throws IOException {
        Source src = ctx.plan().source(b.source()).orElseThrow(() -> new IOException("source " + b.source()
                + " is no longer in the plan"));
        JsonNode manifest = null;
        IOException last = null;
        for (Copy c : b.copies()) {
            try (InputStream in = ctx.storeFor(c).open(c.location())) {
                manifest = Json.mapper().readTree(b.file().endsWith(".gz") ? new GZIPInputStream(in) : in);
                break;
            } catch (IOException e) {
                last = e;
            }
        }
        if (manifest == null) {
            throw new IOException("no readable manifest", last);
        }
        String bucket = S3Clients.parse(manifest.path("target").asText())[0];
        BackupPlan.S3Endpoint endpoint = src.s3().target() != null ? src.s3().target() : src.s3().endpoint();
        long n = 0;
        try (S3Client s3 = S3Clients.create(endpoint)) {
            for (JsonNode o : manifest.path("objects")) {
                String key = o.path("target_key").asText();
                s3.deleteObject(r -> r.bucket(bucket).key(key));
                n++;
            }
        }
        return n;
    }
}
