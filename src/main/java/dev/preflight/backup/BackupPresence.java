package dev.preflight.backup;

import dev.preflight.backup.BackupEvidence.BackupPayload;
import dev.preflight.backup.BackupEvidence.CopyPayload;
import dev.preflight.backup.BackupEvidence.VerifiedCopy;
import dev.preflight.backup.BackupEvidence.VerifyPayload;
import dev.preflight.backup.BackupPlan.Destination;
import dev.preflight.backup.BackupPlan.Source;
import dev.preflight.backup.CopyCheck.Status;
import dev.preflight.core.Errors;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The look {@code readiness} takes before judging backups: whether the newest backup of each source
 * still has each copy the plan's destinations expect where it stored it, at its recorded size (a
 * stat or an S3 HEAD; nothing is read or re-hashed, so a copy of the right size is not vouched for:
 * that is {@code backup verify}'s). Records one {@link BackupEvidence#PRESENCE_KIND} entry per
 * backup looked at; {@link BackupEvidence#judge} reads the newest as a copy gone or back.
 */
public final class BackupPresence {
    private final BackupContext ctx;

    /** A look in the given context (its stores reach the destinations). */
    public BackupPresence(BackupContext ctx) {
        this.ctx = ctx;
    }

    /**
     * What one look found for one source's newest backup.
     *
     * @param copies the copies looked at, each {@code ok}, {@code missing}, {@code mismatch} (another
     *               size) or {@code unreadable} (the store could not answer)
     */
    public record Look(String source, long backupSeq, List<VerifiedCopy> copies) {
        public Look {
            copies = List.copyOf(copies);
        }

        /** The copies that are not there as recorded. */
        public List<VerifiedCopy> bad() {
            return copies.stream().filter(c -> !Status.OK.label().equals(c.status())).toList();
        }
    }

    /** Looks at the newest passed backup of every source of the plan (a failed newest one has nothing to look at). */
    public List<Look> run() {
        List<Look> out = new ArrayList<>();
        for (Source s : ctx.plan().sources()) {
            // This plan's newest backup of it: another project's of a source of the same name (a shared
            // ledger) is not this one's to look at, nor to take the verified standing from.
            LedgerEntry b = BackupEvidence.newestOf(ctx.ledger(), s).orElse(null);
            if (b == null || !b.outcome().isGood()) {
                continue;
            }
            BackupPayload p;
            try {
                p = BackupEvidence.backup(b);
            } catch (IllegalArgumentException e) {
                continue; // an unreadable backup entry covers no copy: the judge fails it
            }
            List<VerifiedCopy> rows = new ArrayList<>();
            for (Destination d : ctx.plan().destinationsOf(s)) {
                for (CopyPayload c : p.copies() == null ? List.<CopyPayload>of() : p.copies()) {
                    if (d.name().equals(c.destination())) {
                        rows.add(look(c));
                    }
                }
            }
            if (rows.isEmpty()) {
                continue; // no copy in any destination: the judge fails the backup itself
            }
            Look look = new Look(s.name(), b.seq(), rows);
            boolean ok = look.bad().isEmpty();
            ctx.ledger().append(NewEntry.of(BackupEvidence.PRESENCE_KIND, s.name(), ok ? Outcome.PASSED : Outcome.FAILED,
                    ok ? p.file() + ": " + rows.size() + " copies present at their recorded size"
                            : p.file() + ": " + String.join(", ", look.bad().stream()
                            .map(c -> c.location() + " " + c.detail()).toList()),
                    new VerifyPayload(b.id(), rows)));
            out.add(look);
        }
        return out;
    }

    private VerifiedCopy look(CopyPayload c) {
        String status;
        String detail;
        try {
            long n = ctx.storeFor(new BackupRecord.Copy(c.destination(), c.location(), c.size(), c.sha256()))
                    .size(c.location());
            if (n < 0) {
                status = Status.MISSING.label();
                detail = "missing";
            } else if (n != c.size()) {
                status = Status.MISMATCH.label();
                detail = "size differs (" + n + " bytes, recorded " + c.size() + ")";
            } else {
                status = Status.OK.label();
                detail = null;
            }
        } catch (IOException | RuntimeException e) {
            status = Status.UNREADABLE.label();
            detail = "cannot be looked at: " + ctx.secrets().redact(Errors.describe(e));
        }
        return new VerifiedCopy(c.destination(), c.location(), status, c.sha256(), null, detail);
    }
}
