package dev.preflight.cli;

import dev.preflight.backup.BackupCatalog;
import dev.preflight.backup.BackupContext;
import dev.preflight.backup.BackupFactories;
import dev.preflight.backup.BackupLeftovers;
import dev.preflight.backup.BackupPlan.Source;
import dev.preflight.backup.BackupPlan;
import dev.preflight.backup.BackupPrune;
import dev.preflight.backup.BackupRecord;
import dev.preflight.backup.BackupReport;
import dev.preflight.backup.BackupRun;
import dev.preflight.backup.BackupVerify;
import dev.preflight.backup.CopyCheck;
import dev.preflight.backup.PruneItem;
import dev.preflight.backup.RunResult;
import dev.preflight.backup.Schedule;
import dev.preflight.backup.SourceProducers;
import dev.preflight.core.ExitCode;
import dev.preflight.core.PreflightException;
import dev.preflight.exec.LocalProcessRunner;
import dev.preflight.ledger.Ledger;
import dev.preflight.plan.Plan;
import dev.preflight.report.Format;
import dev.preflight.report.Renderer;
import dev.preflight.restore.RestoreEvidence;
import dev.preflight.restore.RestorePlan;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code preflight backup run|list|verify|prune|schedule} (runbook §2 steps 1-3 and 5). */
@Command(name = "backup", mixinStandardHelpOptions = true,
        description = "Take, list, verify and prune backups, and print the schedule that runs them.",
        footerHeading = "%nExamples:%n",
        footer = {"  preflight backup run",
            "  preflight backup list",
            "  preflight backup verify",
            "  preflight backup prune --apply"})
public final class BackupCommand implements Callable<Integer> {
    /**
     * The subcommands, in usage order: registered by {@link Cli} rather than in the annotation, so that
     * a run builds the (reflective, costly) model of the one it runs only.
     */
    static final List<Class<?>> SUBCOMMANDS = List.of(
            BackupCommand.Run.class,
            BackupCommand.ListBackups.class,
            BackupCommand.Verify.class,
            BackupCommand.Prune.class,
            BackupCommand.ScheduleCmd.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        return PreflightCommand.usageError(spec);
    }

    /** Shared: the plan's backups section and the context its verbs share. */
    abstract static class BackupBase extends BaseCommand {
        BackupPlan backupPlan(Plan plan) {
            return plan.section("backups", BackupPlan.class).orElseThrow(() -> PreflightException.usage(
                    "the plan has no 'backups' section", "see docs/plan-reference.md#backups"));
        }

        BackupContext context(Plan plan, BackupPlan bp, Ledger ledger) {
            return new BackupContext(bp, ledger, ctx().clock(), BackupFactories.stores(),
                    new SourceProducers(new LocalProcessRunner(plan.secrets()), ctx().clock()), ctx().err(), plan.secrets(),
                    progressOptions(), Locks.of(this, plan));
        }
    }

    /** {@code backup run}: back up every source (or those named). */
    @Command(name = "run", mixinStandardHelpOptions = true,
            description = {"Back up every source of the plan (or the ones given) to every destination in one pass.",
                "Each copy is read back and its SHA-256 compared before it gets its final name.",
                "Exit 0 all passed, 1 a backup failed, 3 a backup of that source is already running."},
            footerHeading = "%nExamples:%n",
            footer = {"  preflight backup run",
                "  preflight backup run --source mysql --format json"})
    public static final class Run extends BackupBase implements RendersWith<BackupReport.Runs> {
        @Override
        public Renderer<BackupReport.Runs> renderer() {
            return BackupReport.RUNS;
        }

        @Option(names = "--source", paramLabel = "NAME", description = "Only this source (repeatable).")
        List<String> sources = new ArrayList<>();

        @Override
        public Integer call() {
            Format format = format();
            Plan plan = loadPlan();
            BackupPlan bp = backupPlan(plan);
            List<Source> chosen = new ArrayList<>();
            for (String n : sources) {
                chosen.add(bp.source(n).orElseThrow(() -> PreflightException.usage("no source named '" + n + "'",
                        "sources: " + String.join(", ", bp.sources().stream().map(Source::name).toList()))));
            }
            if (chosen.isEmpty()) {
                chosen.addAll(bp.sources());
            }
            List<RunResult> results = new ArrayList<>();
            List<String> locked = new ArrayList<>();
            try (Ledger ledger = openLedger(plan)) {
                BackupContext backups = context(plan, bp, ledger);
                new BackupLeftovers(backups).run("backup run");
                BackupRun run = new BackupRun(backups);
                for (Source s : chosen) {
                    try {
                        results.add(run.run(s));
                    } catch (PreflightException e) {
                        if (e.exitCode() != ExitCode.UNEXPECTED_STATE) {
                            throw e;
                        }
                        locked.add(e.getMessage());
                    }
                }
            }
            BackupReport.Runs runs = new BackupReport.Runs(results, locked);
            emit(renderer().render(runs, format, style()));
            return runs.verdict().exitCode().code();
        }
    }

    /** {@code backup list}: what exists where, its age, when it was verified. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the current backups recorded in the ledger: their copies, age, retention and last verification.",
            footerHeading = "%nExamples:%n",
            footer = {"  preflight backup list",
                "  preflight backup list --source redis --format json"})
    public static final class ListBackups extends BackupBase implements RendersWith<BackupReport.Listing> {
        @Override
        public Renderer<BackupReport.Listing> renderer() {
            return BackupReport.LIST;
        }

        @Option(names = "--source", paramLabel = "NAME", description = "Only this source.")
        String source;

        @Override
        public Integer call() {
            Format format = format();
            Plan plan = loadPlan();
            BackupPlan bp = backupPlan(plan);
            try (Ledger ledger = openLedger(plan)) {
                BackupContext backups = context(plan, bp, ledger);
                new BackupLeftovers(backups).run("backup list");
                BackupCatalog.Split split = new BackupCatalog(backups).split();
                List<BackupRecord> all = split.ours().stream()
                        .filter(b -> source == null || b.source().equals(source)).toList();
                int others = (int) split.others().stream().filter(b -> source == null || b.source().equals(source)).count();
                Map<String, String> tested = new HashMap<>();
                RestoreEvidence.lastTested(ledger).forEach((id, e) -> tested.put(id,
                        e.outcome().label() + " " + e.time()));
                emit(renderer().render(new BackupReport.Listing(all, ctx().clock().instant(), tested, others), format,
                        style()));
            }
            return ExitCode.OK.code();
        }
    }

    /** {@code backup verify}: re-hash every copy against the ledger. */
    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Re-read and re-hash every stored copy of every current backup (or of one, --id) and compare it with the ledger.",
                "A changed or missing copy is a failure that names the copy.",
                "Exit 0 all copies match, 1 a copy changed or is missing (or there is no backup to verify)."},
            footerHeading = "%nExamples:%n",
            footer = {"  preflight backup verify",
                "  preflight backup verify --id 3f2a"})
    public static final class Verify extends BackupBase implements RendersWith<BackupReport.Verification> {
        @Override
        public Renderer<BackupReport.Verification> renderer() {
            return BackupReport.VERIFY;
        }

        @Option(names = "--id", paramLabel = "ID", description = "Only this backup (ledger id or its first characters).")
        String id;

        @Override
        public Integer call() {
            Format format = format();
            Plan plan = loadPlan();
            BackupPlan bp = backupPlan(plan);
            try (Ledger ledger = openLedger(plan)) {
                BackupContext backups = context(plan, bp, ledger);
                BackupCatalog catalog = new BackupCatalog(backups);
                List<BackupRecord> targets = id == null ? catalog.all() : List.of(catalog.find(id));
                if (targets.isEmpty()) {
                    ctx().err().println("preflight: no backup is recorded in " + ledger.describe()
                            + ": nothing was verified");
                    return ExitCode.CHECKS_FAILED.code();
                }
                List<CopyCheck> checks = new BackupVerify(backups).verify(targets);
                BackupReport.Verification verification = new BackupReport.Verification(checks);
                emit(renderer().render(verification, format, style()));
                return verification.verdict().exitCode().code();
            }
        }
    }

    /** {@code backup prune}: retention per source; a dry run unless --apply. */
    @Command(name = "prune", mixinStandardHelpOptions = true,
            description = {"Delete the backups whose retention has ended, never the newest verified backup of a source.",
                "Retention is the plan's 'retention' (default 30d for databases, 7d for Redis and S3). Without --apply it only shows what would be deleted.",
                "A source is refused whole (nothing of it deleted) when the clock is before the newest ledger entry or even its newest backup is past its retention.",
                "With --apply it takes each source's backup lock first: a backup run or another prune of a source holding it stops it (exit 3) before anything is deleted.",
                "Exit 0 done, 1 a deletion failed or a source was refused, 3 a backup run or prune holds a source's lock."},
            footerHeading = "%nExamples:%n",
            footer = {"  preflight backup prune",
                "  preflight backup prune --apply"})
    public static final class Prune extends BackupBase implements RendersWith<BackupReport.Pruning> {
        @Override
        public Renderer<BackupReport.Pruning> renderer() {
            return BackupReport.PRUNE;
        }

        @Option(names = "--apply", description = "Really delete (default: dry run).")
        boolean apply;

        @Override
        public Integer call() {
            Format format = format();
            Plan plan = loadPlan();
            BackupPlan bp = backupPlan(plan);
            try (Ledger ledger = openLedger(plan)) {
                BackupContext backups = context(plan, bp, ledger);
                new BackupLeftovers(backups).run("backup prune");
                List<PruneItem> items = new BackupPrune(backups).prune(apply);
                BackupReport.Pruning pruning = new BackupReport.Pruning(items, apply);
                emit(renderer().render(pruning, format, style()));
                return pruning.verdict().exitCode().code();
            }
        }
    }

    /** {@code backup schedule}: crontab lines and systemd units to install on the control host. */
    @Command(name = "schedule", mixinStandardHelpOptions = true,
            description = "Print the crontab lines and systemd .service/.timer units for the daily backup, verify and prune.",
            footerHeading = "%nExamples:%n",
            footer = {"  preflight backup schedule --at 01:30 --style systemd",
                "  preflight backup schedule --preflight /usr/bin/preflight --style cron"})
    public static final class ScheduleCmd extends BackupBase implements RendersWith<BackupReport.Scheduled> {
        @Override
        public Renderer<BackupReport.Scheduled> renderer() {
            return BackupReport.SCHEDULE;
        }

        @Option(names = "--at", paramLabel = "HH:MM", defaultValue = "01:30",
                description = "UTC time of the daily backup (verify runs 1h later, the restore test 1h30 later when the plan has restore_test, prune 2h later); default 01:30.")
        String at;

        @Option(names = "--preflight", paramLabel = "PATH",
                description = "Path of the preflight launcher on the control host (default: bin/preflight here).")
        String preflight;

        @Option(names = "--style", paramLabel = "cron|systemd|both", defaultValue = "both",
                description = "What to print (default both).")
        String style;

        @Override
        public Integer call() {
            // The format is refused first, as every command does, before the plan and the options are read.
            Format format = format();
            Plan plan = loadPlan();
            backupPlan(plan);
            LocalTime t;
            try {
                t = LocalTime.parse(at);
            } catch (DateTimeParseException e) {
                throw PreflightException.usage("--at " + at + " is not a time", "use HH:MM, e.g. --at 01:30");
            }
            if (!List.of("cron", "systemd", "both").contains(style)) {
                throw PreflightException.usage("--style " + style + " is not one of cron, systemd, both", null);
            }
            String launcher = preflight != null ? preflight : ctx().cwd().resolve("bin/preflight").toString();
            String planFile = plan.source().toAbsolutePath().toString();
            String dir = plan.baseDir().toAbsolutePath().toString();
            List<Schedule.Job> jobs = Schedule.daily(t, plan.section("restore_test", RestorePlan.class).isPresent());
            // For configuration management the JSON carries the jobs beside the files the text prints.
            BackupReport.Scheduled scheduled = new BackupReport.Scheduled(
                    jobs.stream().map(BackupReport.ScheduledJob::of).toList(),
                    style.equals("systemd") ? null : Schedule.crontab(jobs, launcher, planFile, dir),
                    style.equals("cron") ? null : Schedule.systemd(jobs, launcher, planFile, dir));
            emit(renderer().render(scheduled, format, style()));
            return ExitCode.OK.code();
        }
    }
}
