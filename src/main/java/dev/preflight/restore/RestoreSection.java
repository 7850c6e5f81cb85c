package dev.preflight.restore;

import dev.preflight.backup.BackupEvidence;
import dev.preflight.backup.BackupFactories;
import dev.preflight.backup.BackupPlan;
import dev.preflight.backup.BackupRecord;
import dev.preflight.core.Errors;
import dev.preflight.core.PreflightException;
import dev.preflight.exec.LocalProcessRunner;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.plan.Plan;
import dev.preflight.run.Expected;
import dev.preflight.run.RunContext;
import dev.preflight.run.Section;
import dev.preflight.run.SectionResult;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/** Restore validation as a section of {@code preflight run} (§2 step 4): newest backup of each source. */
public final class RestoreSection implements Section {
    @Override
    public String name() {
        return "restore-test";
    }

    @Override
    public boolean configured(RunContext c) {
        return c.plan().configures("restore_test");
    }

    @Override
    public SectionResult run(RunContext ctx) {
        RestorePlan plan = ctx.plan().section("restore_test", RestorePlan.class).orElse(null);
        BackupPlan backups = ctx.plan().section("backups", BackupPlan.class).orElse(null);
        if (plan == null || backups == null) {
            return new SectionResult.Failed(name(), "restore tests need the restore_test and backups sections",
                    List.of(plan == null ? "restore_test could not be read" : "the plan has no backups section"));
        }
        try (LocalProcessRunner runner = new LocalProcessRunner(ctx.plan().secrets())) {
            RestoreContext rc = new RestoreContext(plan, backups, ctx.ledger(), ctx.clock(),
                    BackupFactories.stores(), runner, ctx.progress(), ctx.plan().secrets());
            RestoreRun run = new RestoreTest(rc).run(null, new RestoreTest.Options(null, false, false));
            return SectionResult.of(name(), run.verdict(), run.summary(), run.reasons());
        } catch (PreflightException e) {
            return new SectionResult.Error(name(), e.getMessage());
        } catch (IOException e) {
            return new SectionResult.Error(name(), String.valueOf(Errors.describe(e)));
        }
    }

    /**
     * A passing restore test of every source the section restores (MySQL/MariaDB and Redis), of a
     * backup of what the plan's source is now, with the checks the plan has it run now.
     */
    @Override
    public List<Expected> expectations(Plan plan, Duration maxAge) {
        RestorePlan rp = plan.section("restore_test", RestorePlan.class).orElse(null);
        List<String> sources = rp == null || rp.sources().isEmpty() ? List.of(plan.project().name()) : rp.sources();
        BackupPlan backups = plan.section("backups", BackupPlan.class).orElse(null);
        return sources.stream().map(s -> {
            Expected e = Expected.latest(name(), RestoreEvidence.KIND, s, maxAge, "preflight restore-test --source " + s);
            if (rp == null || rp.sources().isEmpty()) {
                return e;
            }
            String origin = backups == null ? null : backups.source(s).map(BackupPlan.Source::origin).orElse(null);
            String checks = RestoreEvidence.checksPlan(rp, s);
            return Expected.judged(name(), RestoreEvidence.KIND, s, null, maxAge, e.recordedBy(),
                    (l, x) -> judge(l, x, s, origin, checks));
        }).toList();
    }

    private static Expected.Found judge(Ledger ledger, LedgerEntry x, String source, String origin, String checks) {
        if (!x.outcome().isGood()) {
            return Expected.Found.of(x);
        }
        RestoreEvidence.TestPayload p = RestoreEvidence.read(x).orElse(null);
        if (p == null || !checks.equals(p.checksPlan())) {
            return new Expected.Found(x, Expected.Status.OUTDATED, "the plan's restore test of " + source
                    + " changed since (or the entry does not record what it checked): run preflight restore-test --source "
                    + source);
        }
        String restored = BackupEvidence.origin(ledger, p.backupId());
        if (origin != null && !origin.equals(restored)) {
            return new Expected.Found(x, Expected.Status.OUTDATED, restored == null ? "the backup it restored does not "
                    + "record what it backed up: run preflight backup run and preflight restore-test --source " + source
                    : "it restored a backup of " + restored + "; the plan's source " + source + " is " + origin
                    + " (run preflight backup run and preflight restore-test --source " + source + ")");
        }
        LedgerEntry newer = RestoreEvidence.newerFailed(ledger, source, origin, p).orElse(null);
        if (newer != null) {
            return new Expected.Found(x, Expected.Status.FAILED, "it restored backup " + p.backupFile()
                    + ", but the restore test of a newer backup of " + source + " failed (ledger #" + newer.seq() + ": "
                    + newer.summary() + "): run preflight restore-test --source " + source + " on the newest backup");
        }
        String untested = RestoreEvidence.newestUntested(ledger, source, origin, x, p, checks);
        if (untested != null) {
            BackupRecord n = RestoreEvidence.newestVerified(ledger, source, origin).orElse(null);
            return new Expected.Found(x, n != null && n.seq() > x.seq() ? Expected.Status.OUTDATED
                    : Expected.Status.FAILED, untested);
        }
        return Expected.Found.of(x);
    }
}
