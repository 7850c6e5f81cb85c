package dev.preflight.cli;

import dev.preflight.backup.BackupFactories;
import dev.preflight.backup.BackupPlan;
import dev.preflight.core.Errors;
import dev.preflight.core.ExitCode;
import dev.preflight.core.PreflightException;
import dev.preflight.exec.LocalProcessRunner;
import dev.preflight.ledger.Ledger;
import dev.preflight.plan.Plan;
import dev.preflight.report.Format;
import dev.preflight.report.Renderer;
import dev.preflight.restore.RestoreContext;
import dev.preflight.restore.RestoreLeftovers;
import dev.preflight.restore.RestorePlan;
import dev.preflight.restore.RestoreReport;
import dev.preflight.restore.RestoreRun;
import dev.preflight.restore.RestoreTest;
import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code preflight restore-test} (runbook §2 step 4): restore a backup into a scratch target and smoke-test it. */
@Command(name = "restore-test", mixinStandardHelpOptions = true,
        description = {"Restore the newest backup of each source named in the plan's restore_test section (or the backup given) into a scratch database or scratch redis-server, and check it.",
            "The artifact's SHA-256 is verified first and the restore is timed; then every table, view, routine, trigger and event, the row counts, the plan's SQL and HTTP checks (or Redis key counts) are checked, and the scratch target is removed unless --keep.",
            "Exit 0 all passed, 1 a restore or check failed (or the artifact does not match), 2 usage."},
        footerHeading = "%nExamples:%n",
        footer = {"  preflight restore-test",
            "  preflight restore-test --source mysql --backup latest --keep"})
public final class RestoreTestCommand extends BaseCommand implements RendersWith<RestoreRun> {
    @Override
    public Renderer<RestoreRun> renderer() {
        return RestoreReport.TEST;
    }

    @Option(names = "--backup", paramLabel = "ID|latest",
            description = "The backup to restore (ledger id or its first characters); default: the newest of each source.")
    String backup;

    @Option(names = "--source", paramLabel = "NAME", description = "Only this source.")
    String source;

    @Option(names = "--keep", description = "Leave the scratch database / redis-server in place afterwards.")
    boolean keep;

    @Option(names = "--replace", description = "Restore into the database named by restore_test.target.database, "
            + "replacing it (never done without this flag).")
    boolean replace;

    @Option(names = "--parallel", paramLabel = "N", description = "Client connections the dump is loaded over at "
            + "once (default: restore_test.parallel, else " + RestorePlan.DEFAULT_PARALLEL + "; 1 = a serial load).")
    Integer parallel;

    @Override
    public Integer call() {
        Format format = format();
        Plan plan = loadPlan();
        RestorePlan rp = plan.section("restore_test", RestorePlan.class).orElseThrow(() -> PreflightException.usage(
                "the plan has no 'restore_test' section", "see docs/plan-reference.md#restore_test"));
        BackupPlan bp = plan.section("backups", BackupPlan.class).orElseThrow(() -> PreflightException.usage(
                "the plan has no 'backups' section: restore tests restore what it records",
                "see docs/plan-reference.md#backups"));
        if (parallel != null && (parallel < 1 || parallel > 64)) {
            throw PreflightException.usage("--parallel must be between 1 and 64, not " + parallel, null);
        }
        RestoreRun run;
        try (Ledger ledger = openLedger(plan); LocalProcessRunner runner = new LocalProcessRunner(plan.secrets())) {
            RestoreContext rc = new RestoreContext(rp, bp, ledger, ctx().clock(), BackupFactories.stores(),
                    runner, ctx().err(), plan.secrets(), progressOptions());
            // The sweep's staging-server round trips overlap the catalogue read; it is finished (and
            // recorded) before any test touches the server, and also when the test is refused.
            RestoreLeftovers.Sweep sweep = new RestoreLeftovers(rc).start("restore-test");
            try {
                run = new RestoreTest(rc).run(source, new RestoreTest.Options(backup, keep, replace, parallel),
                        sweep::finish);
            } finally {
                sweep.finish();
            }
        } catch (IOException e) {
            throw new PreflightException(ExitCode.INTERNAL, "restore test failed: "
                    + Errors.describe(e), null, e);
        }
        emit(renderer().render(run, format, style()));
        return run.verdict().exitCode().code();
    }
}
