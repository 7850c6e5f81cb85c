package dev.preflight.backup;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.backup.BackupEvidence.DeletedCopy;
import dev.preflight.backup.BackupEvidence.PrunePayload;
import dev.preflight.backup.BackupPlan.Source;
import dev.preflight.backup.BackupRecord.Copy;
import dev.preflight.backup.PruneItem.Action;
import dev.preflight.core.Errors;
import dev.preflight.core.Json;
import dev.preflight.core.Sizes;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import java.io.IOException;
import java.io.InputStream;
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
     * except the newest verified backup of its source, which is always kept. Deletions are recorded.
     */
    public List<PruneItem> prune(boolean apply) {
        Instant now = ctx.clock().instant();
        List<BackupRecord> all = catalog.all();
        Map<String, BackupRecord> newestVerified = new HashMap<>();
        for (BackupRecord b : all) {
            if (b.lastVerifyOk()) {
                newestVerified.merge(b.source(), b, (x, y) -> y.seq() > x.seq() ? y : x);
            }
        }
        List<PruneItem> items = new ArrayList<>();
        Map<String, List<DeletedCopy>> deletedBySource = new LinkedHashMap<>();
        Map<String, List<String>> errorsBySource = new LinkedHashMap<>();
        List<BackupRecord> ordered = all.stream().sorted(Comparator.comparing(BackupRecord::source)
                .thenComparing(BackupRecord::seq)).toList();
        Set<String> keptBucketCopies = new HashSet<>();
        Map<BackupRecord, Action> actions = new LinkedHashMap<>();
        for (BackupRecord b : ordered) {
            boolean expired = !b.retentionUntil().isAfter(now);
            Action a = !expired ? Action.KEEP : newestVerified.get(b.source()) == b ? Action.KEEP_NEWEST_VERIFIED
                    : Action.DELETE;
            actions.put(b, a);
            if (a != Action.DELETE && b.bucketCopy() != null) {
                keptBucketCopies.add(b.bucketCopy());
            }
        }
        for (BackupRecord b : ordered) {
            Action a = actions.get(b);
            if (a == Action.KEEP) {
                items.add(new PruneItem(b, a, "retained until " + b.retentionUntil(), List.of()));
                continue;
            }
            if (a == Action.KEEP_NEWEST_VERIFIED) {
                items.add(new PruneItem(b, a, "expired " + b.retentionUntil()
                        + " but the newest verified backup of " + b.source() + " is always kept", List.of()));
                continue;
            }
            List<String> errors = new ArrayList<>();
            String reason = "retention ended " + b.retentionUntil();
            boolean dropObjects = b.bucketCopy() != null && !keptBucketCopies.contains(b.bucketCopy());
            if (dropObjects) {
                reason += "; its bucket copy " + b.bucketCopy() + " goes too";
            }
            if (apply) {
                if (dropObjects) {
                    try {
                        long n = deleteBucketCopy(b);
                        deletedBySource.computeIfAbsent(b.source(), k -> new ArrayList<>()).add(new DeletedCopy(
                                b.id(), "bucket", b.bucketCopy(), null, n, b.retentionUntil()));
                    } catch (IOException | RuntimeException e) {
                        // Keep the manifest: without it nobody knows which objects belong to this copy.
                        String err = b.bucketCopy() + ": " + ctx.secrets().redact(Errors.describe(e));
                        errors.add(err);
                        errorsBySource.computeIfAbsent(b.source(), k -> new ArrayList<>()).add(err);
                        items.add(new PruneItem(b, Action.DELETE, reason, errors));
                        continue;
                    }
                }
                for (Copy c : b.copies()) {
                    try {
                        ctx.storeFor(c).delete(c.location());
                        deletedBySource.computeIfAbsent(b.source(), k -> new ArrayList<>()).add(new DeletedCopy(
                                b.id(), c.destination(), c.location(), c.sha256(), null, b.retentionUntil()));
                    } catch (IOException | RuntimeException e) {
                        String err = c.location() + ": " + ctx.secrets().redact(Errors.describe(e));
                        errors.add(err);
                        errorsBySource.computeIfAbsent(b.source(), k -> new ArrayList<>()).add(err);
                    }
                }
            }
            items.add(new PruneItem(b, Action.DELETE, reason, errors));
        }
        if (apply) {
            Set<String> sources = new LinkedHashSet<>(deletedBySource.keySet());
            sources.addAll(errorsBySource.keySet());
            for (String s : sources) {
                List<DeletedCopy> deleted = deletedBySource.getOrDefault(s, List.of());
                List<String> errors = errorsBySource.getOrDefault(s, List.of());
                ctx.ledger().append(NewEntry.of(BackupEvidence.PRUNE_KIND, s,
                        errors.isEmpty() ? Outcome.PASSED : Outcome.FAILED,
                        "deleted " + deleted.size() + " expired cop" + (deleted.size() == 1 ? "y" : "ies")
                                + (errors.isEmpty() ? "" : ", " + errors.size() + " deletion(s) failed"),
                        new PrunePayload(deleted, errors, now)));
            }
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
