package dev.preflight.restore;

import dev.preflight.backup.BackupFactories;
import dev.preflight.backup.BackupPlan;
import dev.preflight.core.Errors;
import dev.preflight.core.PreflightException;
import dev.preflight.exec.LocalProcessRunner;
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

    /** A passing restore test of every source the section restores (MySQL/MariaDB and Redis). */
    @Override
    public List<Expected> expectations(Plan plan, Duration maxAge) {
        List<String> sources = plan.section("restore_test", RestorePlan.class).map(RestorePlan::sources)
                .filter(l -> !l.isEmpty()).orElse(List.of(plan.project().name()));
        return sources.stream().map(s -> Expected.latest(name(), RestoreEvidence.KIND, s, maxAge,
                "preflight restore-test --source " + s)).toList();
    }
}
