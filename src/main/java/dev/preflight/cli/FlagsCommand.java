package dev.preflight.cli;

import dev.preflight.core.ExitCode;
import dev.preflight.core.Json;
import dev.preflight.core.PreflightException;
import dev.preflight.flags.EnvSnapshot;
import dev.preflight.flags.FlagPlan;
import dev.preflight.flags.FlagProblem;
import dev.preflight.flags.FlagReport;
import dev.preflight.flags.FlagReports;
import dev.preflight.flags.FlagService;
import dev.preflight.flags.FlagService.ToggleRequest;
import dev.preflight.flags.FlagService.ToggleResult;
import dev.preflight.ledger.Ledger;
import dev.preflight.plan.Plan;
import dev.preflight.report.Format;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code preflight flags}: the feature-flag registry, its validation and the only sanctioned toggle (runbook §4.1). */
@Command(name = "flags", mixinStandardHelpOptions = true,
        description = "Check, toggle and compare the feature flags in the environments' dotenv files.",
        footerHeading = "%nExamples:%n",
        footer = {"  preflight flags validate",
            "  preflight flags list",
            "  preflight flags diff staging production",
            "  preflight flags toggle new_checkout --on --env staging --reason 'QA sign-off'"},
        subcommands = {FlagsCommand.Validate.class, FlagsCommand.Toggle.class, FlagsCommand.ListFlags.class,
            FlagsCommand.Diff.class, FlagsCommand.History.class})
public final class FlagsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return PreflightCommand.usageError(spec);
    }

    /** What the subcommands share: the plan's feature_flags section and a service over it. */
    abstract static class FlagsBase extends BaseCommand {
        Plan plan;

        FlagPlan flagPlan() {
            plan = loadPlan();
            return plan.section("feature_flags", FlagPlan.class).orElseThrow(() -> PreflightException.usage(
                    "the plan has no feature_flags section", "see docs/plan-reference.md, section feature_flags"));
        }

        FlagService service(FlagPlan fp, Ledger ledger) {
            return new FlagService(plan.project().name(), fp, ledger, ctx().clock(), ctx().cwd());
        }
    }

    /** {@code flags validate}. */
    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = {"Check every environment's flags against the registry, the ledger's approvals and the application source, and record the result.",
                "The result is recorded as ledger kind flags-validate.",
                "Exit 0 valid (warnings allowed), 1 an error, 2 plan or usage error."},
            footerHeading = "%nExamples:%n",
            footer = {"  preflight flags validate",
                "  preflight flags validate --app ../academy --format markdown"})
    @Formats({Format.TEXT, Format.JSON, Format.MARKDOWN})
    static final class Validate extends FlagsBase {
        @Option(names = "--app", paramLabel = "DIR", description = "Application source to scan (default: feature_flags.app_dir).")
        String app;

        @Override
        public Integer call() {
            Format format = format();
            FlagPlan fp = flagPlan();
            FlagReport r;
            try (Ledger ledger = openLedger(plan)) {
                FlagService service = service(fp, ledger);
                r = service.validate(app == null ? null : ctx().cwd().resolve(app).normalize());
                service.record(r);
            }
            emit(FlagReports.validation(r, format, style()));
            return r.exitCode();
        }
    }

    /** Exactly one of --on / --off. */
    static final class State {
        @Option(names = "--on", required = true, description = "Switch the flag on.")
        boolean on;

        @Option(names = "--off", required = true, description = "Switch the flag off.")
        boolean off;
    }

    /** {@code flags toggle}. */
    @Command(name = "toggle", mixinStandardHelpOptions = true,
            description = {"Switch one flag in one environment's dotenv file, changing only its literal, and record the toggle.",
                "The file is rewritten atomically under a lock; the toggle is recorded as ledger kind flag-toggle.",
                "Exit 0 done (or already so), 1 the file fails validation and was left untouched, 2 usage: unknown flag or environment, no --reason, or production without --approved-by (refused, file untouched, refusal recorded), 3 another toggle held the file's lock for 60 s."},
            footerHeading = "%nExamples:%n",
            footer = {"  preflight flags toggle new_checkout --on --env staging --reason 'QA sign-off'",
                "  preflight flags toggle new_checkout --off --env production --reason 'incident 4711' --approved-by alice"})
    @Formats({Format.TEXT, Format.JSON})
    static final class Toggle extends FlagsBase {
        @Parameters(index = "0", paramLabel = "NAME", description = "The registered flag.")
        String name;

        @ArgGroup(exclusive = true, multiplicity = "1")
        State state;

        @Option(names = "--env", required = true, paramLabel = "ENV", description = "Environment (a key of feature_flags.files).")
        String env;

        @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why (recorded in the ledger).")
        String reason;

        @Option(names = "--approved-by", paramLabel = "WHO", description = "Approver; required for production.")
        String approvedBy;

        @Override
        public Integer call() {
            Format format = format();
            FlagPlan fp = flagPlan();
            ToggleResult r;
            try (Ledger ledger = openLedger(plan)) {
                r = service(fp, ledger).toggle(new ToggleRequest(name, state.on, env, reason, approvedBy));
            }
            if (format == Format.JSON) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("result", r instanceof ToggleResult.Changed ? "changed"
                        : r instanceof ToggleResult.Unchanged ? "unchanged" : "refused");
                doc.put("flag", name);
                doc.put("environment", env);
                doc.put("file", r.file());
                doc.put("ledger_seq", r.entry().seq());
                if (r instanceof ToggleResult.Refused ref) {
                    doc.put("problems", ref.problems().stream().map(FlagProblem::format).toList());
                }
                emit(Json.pretty(doc) + "\n");
            } else {
                emit(text(r));
            }
            return r instanceof ToggleResult.Refused ? ExitCode.CHECKS_FAILED.code() : ExitCode.OK.code();
        }

        private String text(ToggleResult r) {
            String who = name + " in " + env + " (" + r.file() + ")";
            if (r instanceof ToggleResult.Changed c) {
                return style().ok("TOGGLED") + ": " + who + ": " + (c.on() ? "off -> on" : "on -> off")
                        + "; recorded as ledger entry #" + c.entry().seq() + "\n  sha256 " + c.shaBefore() + " -> "
                        + c.shaAfter() + "\n";
            }
            if (r instanceof ToggleResult.Unchanged u) {
                return "UNCHANGED: " + who + " is already " + (u.on() ? "on" : "off")
                        + "; file not rewritten; request recorded as ledger entry #" + u.entry().seq() + "\n";
            }
            StringBuilder sb = new StringBuilder();
            ((ToggleResult.Refused) r).problems().forEach(p -> sb.append(p.format()).append('\n'));
            return sb.append('\n').append(style().bad("REFUSED")).append(": ").append(r.file())
                    .append(" fails validation; nothing changed (refusal recorded as ledger entry #")
                    .append(r.entry().seq()).append(")\n").toString();
        }
    }

    /** {@code flags list}. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"Show the flag x environment matrix; * marks a value that differs from the registry default.",
                "Exit 0: drift is shown, not failed ('flags validate' is the check)."},
            footerHeading = "%nExamples:%n",
            footer = {"  preflight flags list",
                "  preflight flags list --format markdown"})
    @Formats({Format.TEXT, Format.JSON, Format.MARKDOWN})
    static final class ListFlags extends FlagsBase {
        @Override
        public Integer call() {
            Format format = format();
            FlagPlan fp = flagPlan();
            List<EnvSnapshot> envs;
            try (Ledger ledger = openLedger(plan)) {
                envs = service(fp, ledger).readAll();
            }
            emit(FlagReports.matrix(fp, envs, format, style()));
            return ExitCode.OK.code();
        }
    }

    /** {@code flags diff}. */
    @Command(name = "diff", mixinStandardHelpOptions = true,
            description = {"Show the flags whose values differ between two environments.",
                "Exit 0 no difference, 1 they differ (like diff(1))."},
            footerHeading = "%nExamples:%n",
            footer = "  preflight flags diff staging production")
    @Formats({Format.TEXT, Format.JSON, Format.MARKDOWN})
    static final class Diff extends FlagsBase {
        @Parameters(index = "0", paramLabel = "ENV1")
        String a;

        @Parameters(index = "1", paramLabel = "ENV2")
        String b;

        @Override
        public Integer call() {
            Format format = format();
            FlagPlan fp = flagPlan();
            EnvSnapshot x;
            EnvSnapshot y;
            try (Ledger ledger = openLedger(plan)) {
                FlagService s = service(fp, ledger);
                x = s.read(a);
                y = s.read(b);
            }
            emit(FlagReports.diff(fp, x, y, format, style()));
            return FlagReports.differences(fp, x, y).isEmpty() ? 0 : 1;
        }
    }

    /** {@code flags history}. */
    @Command(name = "history", mixinStandardHelpOptions = true,
            description = {"Show every recorded toggle of a flag, oldest first: who, when, old -> new, why, and the approver.",
                "Exit 0."},
            footerHeading = "%nExamples:%n",
            footer = "  preflight flags history new_checkout")
    @Formats({Format.TEXT, Format.JSON})
    static final class History extends FlagsBase {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            Format format = format();
            FlagPlan fp = flagPlan();
            String out;
            try (Ledger ledger = openLedger(plan)) {
                out = FlagReports.history(name, service(fp, ledger).history(name), format);
            }
            emit(out);
            return ExitCode.OK.code();
        }
    }
}
