package dev.preflight.backup;

import dev.preflight.backup.BackupEvidence.BackupPayload;
import dev.preflight.backup.BackupEvidence.CopyPayload;
import dev.preflight.backup.BackupEvidence.DeletedCopy;
import dev.preflight.backup.BackupEvidence.PrunePayload;
import dev.preflight.backup.BackupEvidence.VerifyPayload;
import dev.preflight.backup.BackupRecord.Copy;
import dev.preflight.core.Errors;
import dev.preflight.core.PreflightException;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.LedgerQuery;
import dev.preflight.ledger.Outcome;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * The catalogue of current backups, read from the ledger: every backup that passed and still has
 * copies (not pruned), with its last verification. Restore reads it too.
 */
public final class BackupCatalog {
    private final BackupContext ctx;

    /** A catalogue over the context's ledger and plan. */
    public BackupCatalog(BackupContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Every backup of this plan's sources that passed and still has copies, oldest first, from the
     * context's ledger: what list, verify, prune and the restore's choice work on. Not the backups
     * of another source, or of a source of the same name that backed up something else (see {@link
     * #ofPlan}).
     */
    public List<BackupRecord> all() {
        return split().ours();
    }

    /** The ledger's current backups read once: this plan's ({@link #all()}) and the others, each oldest first. */
    public Split split() {
        List<BackupRecord> ours = new ArrayList<>();
        List<BackupRecord> others = new ArrayList<>();
        for (BackupRecord b : all(ctx.ledger())) {
            (ofPlan(ctx.plan(), b) ? ours : others).add(b);
        }
        return new Split(ours, others);
    }

    /** The ledger's current backups: this plan's, and the others (another project's, or of a source removed or re-pointed). */
    public record Split(List<BackupRecord> ours, List<BackupRecord> others) {
        public Split {
            ours = List.copyOf(ours);
            others = List.copyOf(others);
        }
    }

    /**
     * Whether {@code b} is a backup of one of {@code plan}'s sources: the plan has a source of that
     * name, and the backup's entry says it backed up what that source names now, or says nothing
     * (recorded before origins were kept). Two projects may share one ledger, each with a source
     * named {@code db}: one project's prune judged the newest backup and the retention of both as
     * one source, deleted its own last restore point because the other's backups were newer, and
     * deleted the other's files. A source removed from the plan, or pointed elsewhere since, is no
     * longer this plan's to prune: its backups stay where they are.
     */
    public static boolean ofPlan(BackupPlan plan, BackupRecord b) {
        return plan.source(b.source()).map(s -> BackupEvidence.sameOrigin(b.origin(), s.origin())).orElse(false);
    }

    /**
     * Every backup that passed and still has copies, oldest first, from {@code ledger}. A copy a
     * completed prune deleted is gone; a copy an intent names that no outcome completed (the prune was
     * killed in between) is possibly gone: it stays listed, so that {@code backup verify} looks at it,
     * but its backup is in doubt and never counts as verified until a verification or a presence look
     * recorded after the intent found that copy.
     */
    public static List<BackupRecord> all(Ledger ledger) {
        List<LedgerEntry> backups = ledger.query(LedgerQuery.kind(BackupEvidence.KIND));
        Set<String> pruned = new HashSet<>();
        Set<String> completed = new HashSet<>();
        // Each payload decoded once: the intents are matched against the outcomes after all are read.
        Map<LedgerEntry, PrunePayload> prunes = new LinkedHashMap<>();
        ledger.query(LedgerQuery.kind(BackupEvidence.PRUNE_KIND)).forEach(e -> prunes.put(e, BackupEvidence.prune(e)));
        for (PrunePayload p : prunes.values()) {
            for (DeletedCopy d : p.deleted()) {
                pruned.add(d.backupId() + "\n" + d.location());
            }
            if (p.intentId() != null) {
                completed.add(p.intentId());
            }
        }
        // Copy (backup id and location) to the newest intent naming it that no outcome completed.
        Map<String, LedgerEntry> doubted = new HashMap<>();
        prunes.forEach((e, p) -> {
            if (p.intends() && !completed.contains(e.id())) {
                for (DeletedCopy d : p.intent()) {
                    doubted.put(d.backupId() + "\n" + d.location(), e);
                }
            }
        });
        Map<String, LedgerEntry> lastVerify = new HashMap<>();
        for (LedgerEntry e : ledger.query(LedgerQuery.kind(BackupEvidence.VERIFY_KIND))) {
            VerifyPayload v = BackupEvidence.verify(e);
            lastVerify.put(v.backupId(), e);
            // A verification after the intent speaks for the copy itself (found, changed or missing).
            v.copies().forEach(c -> doubted.computeIfPresent(v.backupId() + "\n" + c.location(),
                    (k, intent) -> intent.seq() < e.seq() ? null : intent));
        }
        // Backup id to the newest presence look at it (readiness's stat or HEAD of each copy).
        Map<String, LedgerEntry> lastLook = new HashMap<>();
        for (LedgerEntry e : ledger.query(LedgerQuery.kind(BackupEvidence.PRESENCE_KIND))) {
            VerifyPayload v = BackupEvidence.verify(e);
            lastLook.put(v.backupId(), e);
            // A look only clears the doubt when it found the copy where it was, at its size.
            v.copies().stream().filter(c -> CopyCheck.Status.OK.label().equals(c.status()))
                    .forEach(c -> doubted.computeIfPresent(v.backupId() + "\n" + c.location(),
                            (k, intent) -> intent.seq() < e.seq() ? null : intent));
        }
        List<BackupRecord> out = new ArrayList<>();
        for (LedgerEntry e : backups) {
            if (e.outcome() != Outcome.PASSED) {
                continue;
            }
            BackupPayload p = BackupEvidence.backup(e);
            List<Copy> copies = new ArrayList<>();
            List<String> doubts = new ArrayList<>();
            for (CopyPayload c : p.copies() == null ? List.<CopyPayload>of() : p.copies()) {
                String key = e.id() + "\n" + c.location();
                if (!pruned.contains(key)) {
                    copies.add(new Copy(c.destination(), c.location(), c.size(), c.sha256()));
                    LedgerEntry intent = doubted.get(key);
                    if (intent != null) {
                        doubts.add(c.location() + " (prune #" + intent.seq() + " of " + intent.time()
                                + " was to delete it and did not finish)");
                    }
                }
            }
            if (copies.isEmpty()) {
                continue;
            }
            LedgerEntry v = lastVerify.get(e.id());
            // A look newer than the newest verification that found a copy gone or of another size
            // takes the backup's verified standing away (a look that found them all never gives it).
            LedgerEntry look = lastLook.get(e.id());
            boolean lookFoundGone = look != null && (v == null || look.seq() > v.seq()) && !look.outcome().isGood();
            Object target = p.facts() == null ? null : p.facts().get("target");
            String doubt = doubts.isEmpty() ? null : "possibly gone: " + String.join(", ", doubts)
                    + "; run preflight backup verify --id " + e.id().substring(0, Math.min(8, e.id().length()));
            out.add(new BackupRecord(e.id(), e.seq(), p.started(), e.subject(), p.type(), p.file(),
                    p.size() == null ? 0 : p.size(), p.sha256(), p.retentionUntil(), copies,
                    v == null ? null : v.time(), doubt == null && !lookFoundGone && (v == null || v.outcome() == Outcome.PASSED),
                    target != null && "s3".equals(p.type()) ? target.toString() : null, doubt,
                    p.checkpoints() != null && p.size() != null && p.checkpoints().fits(p.size()) ? p.checkpoints() : null,
                    p.origin()));
        }
        return out;
    }

    /** The newest current backup's artifact of a source, from the first copy that can be opened. */
    Optional<InputStream> latestArtifact(String source) {
        List<BackupRecord> mine = all().stream().filter(b -> b.source().equals(source) && b.lastVerifyOk()).toList();
        if (mine.isEmpty()) {
            return Optional.empty();
        }
        BackupRecord b = mine.get(mine.size() - 1);
        for (Copy c : b.copies()) {
            try {
                InputStream in = ctx.storeFor(c).open(c.location());
                return Optional.of(b.file().endsWith(".gz") ? new GZIPInputStream(in, 1 << 16) : in);
            } catch (IOException | RuntimeException e) {
                ctx.step(source + ": previous backup copy " + c.location() + " unreadable (" + Errors.describe(e)
                        + ")");
            }
        }
        return Optional.empty();
    }

    /** The backup whose id is or starts with {@code id}; exit 2 when none or several match. */
    public BackupRecord find(String id) {
        List<BackupRecord> m = all().stream().filter(b -> b.id().startsWith(id)).toList();
        if (m.size() != 1) {
            throw PreflightException.usage(m.isEmpty() ? "no current backup with id " + id
                    : "id " + id + " matches " + m.size() + " backups", "see 'preflight backup list'");
        }
        return m.get(0);
    }
}
