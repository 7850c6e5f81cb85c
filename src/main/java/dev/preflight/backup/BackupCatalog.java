package dev.preflight.backup;

import dev.preflight.backup.BackupEvidence.BackupPayload;
import dev.preflight.backup.BackupEvidence.CopyPayload;
import dev.preflight.backup.BackupEvidence.DeletedCopy;
import dev.preflight.backup.BackupRecord.Copy;
import dev.preflight.core.Errors;
import dev.preflight.core.PreflightException;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.LedgerQuery;
import dev.preflight.ledger.Outcome;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
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

    /** Every backup that passed and still has copies, oldest first, from the ctx.ledger(). */
    public List<BackupRecord> all() {
        List<LedgerEntry> backups = ctx.ledger().query(LedgerQuery.kind(BackupEvidence.KIND));
        Set<String> pruned = new HashSet<>();
        for (LedgerEntry e : ctx.ledger().query(LedgerQuery.kind(BackupEvidence.PRUNE_KIND))) {
            for (DeletedCopy d : BackupEvidence.prune(e).deleted()) {
                pruned.add(d.backupId() + "\n" + d.location());
            }
        }
        Map<String, LedgerEntry> lastVerify = new HashMap<>();
        for (LedgerEntry e : ctx.ledger().query(LedgerQuery.kind(BackupEvidence.VERIFY_KIND))) {
            lastVerify.put(BackupEvidence.verify(e).backupId(), e);
        }
        List<BackupRecord> out = new ArrayList<>();
        for (LedgerEntry e : backups) {
            if (e.outcome() != Outcome.PASSED) {
                continue;
            }
            BackupPayload p = BackupEvidence.backup(e);
            List<Copy> copies = new ArrayList<>();
            for (CopyPayload c : p.copies() == null ? List.<CopyPayload>of() : p.copies()) {
                if (!pruned.contains(e.id() + "\n" + c.location())) {
                    copies.add(new Copy(c.destination(), c.location(), c.size(), c.sha256()));
                }
            }
            if (copies.isEmpty()) {
                continue;
            }
            LedgerEntry v = lastVerify.get(e.id());
            Object target = p.facts() == null ? null : p.facts().get("target");
            out.add(new BackupRecord(e.id(), e.seq(), p.started(), e.subject(), p.type(), p.file(),
                    p.size() == null ? 0 : p.size(), p.sha256(), p.retentionUntil(), copies,
                    v == null ? null : v.time(), v == null || v.outcome() == Outcome.PASSED,
                    target != null && "s3".equals(p.type()) ? target.toString() : null));
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
