package dev.preflight.cli;

import dev.preflight.core.PreflightException;
import dev.preflight.flags.FlagsPlan;
import dev.preflight.flags.FlagsContext;
import dev.preflight.flags.FlagsLists;
import dev.preflight.flags.FlagsReport;
import dev.preflight.flags.FlagsToggle.ToggleRequest;
import dev.preflight.flags.FlagsToggle;
import dev.preflight.flags.FlagsValidate;
import dev.preflight.flags.FlagsValidation;
import dev.preflight.ledger.Ledger;
import dev.preflight.plan.Plan;
import dev.preflight.report.Format;
import dev.preflight.report.Renderer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
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
            "  preflight flags toggle new_checkout --on --env staging --reason 'QA sign-off'"})
public final class FlagsCommand implements Callable<Integer> {
    /**
     * The subcommands, in usage order: registered by {@link Cli} rather than in the annotation, so that
     * a run builds the (reflective, costly) model of the one it runs only.
     */
    static final List<Class<?>> SUBCOMMANDS = List.of(
            FlagsCommand.Validate.class,
            FlagsCommand.Toggle.class,
            FlagsCommand.ListFlags.class,
            FlagsCommand.Diff.class,
            FlagsCommand.History.class);

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return PreflightCommand.usageError(spec);
    }

    /** What the subcommands share: the plan's feature_flags section and a service over it. */
    abstract static class FlagsBase extends BaseCommand {
        Plan plan;

        FlagsPlan flagPlan() {
            plan = loadPlan();
            return plan.section("feature_flags", FlagsPlan.class).orElseThrow(() -> PreflightException.usage(
                    "the plan has no feature_flags section", "see docs/plan-reference.md, section feature_flags"));
        }

        FlagsContext context(FlagsPlan fp, Ledger ledger) {
            return new FlagsContext(plan.project().name(), fp, ledger, ctx().clock(), ctx().cwd(), Duration.ofSeconds(60),
                    line -> {
                        ctx().err().println(line);
                        ctx().err().flush();
                    });
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
    static final class Validate extends FlagsBase implements RendersWith<FlagsValidation> {
        @Override
        public Renderer<FlagsValidation> renderer() {
            return FlagsReport.VALIDATION;
        }

        @Option(names = "--app", paramLabel = "DIR", description = "Application source to scan (default: feature_flags.app_dir).")
        String app;

        @Override
        public Integer call() {
            Format format = format();
            FlagsPlan fp = flagPlan();
            FlagsValidation r;
            try (Ledger ledger = openLedger(plan)) {
                r = new FlagsValidate(context(fp, ledger)).run(app == null ? null : ctx().cwd().resolve(app).normalize());
            }
            emit(renderer().render(r, format, style()));
            return r.verdict().exitCode().code();
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
                "The file is rewritten atomically under a lock. The intent is recorded (ledger kind flag-toggle-intent) before the file changes and the outcome (flag-toggle) after; a toggle stopped in between fails flags validate and readiness until it is run again or reverted.",
                "Exit 0 done (or already so), 1 the file fails validation and was left untouched, 2 usage: unknown flag or environment, no --reason, or production without --approved-by (refused, file untouched, refusal recorded), 3 another toggle held the file's lock for 60 s."},
            footerHeading = "%nExamples:%n",
            footer = {"  preflight flags toggle new_checkout --on --env staging --reason 'QA sign-off'",
                "  preflight flags toggle new_checkout --off --env production --reason 'incident 4711' --approved-by alice"})
    static final class Toggle extends FlagsBase implements RendersWith<FlagsToggle.Toggled> {
        @Override
        public Renderer<FlagsToggle.Toggled> renderer() {
            return FlagsReport.TOGGLE;
        }

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
            FlagsPlan fp = flagPlan();
            ToggleRequest q = new ToggleRequest(name, state.on, env, reason, approvedBy);
            FlagsToggle.Toggled t;
            try (Ledger ledger = openLedger(plan)) {
                t = new FlagsToggle.Toggled(q, new FlagsToggle(context(fp, ledger)).run(q));
            }
            emit(renderer().render(t, format, style()));
            return t.verdict().exitCode().code();
        }
    }

    /** {@code flags list}. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"Show the flag x environment matrix; * marks a value that differs from the registry default.",
                "Exit 0: drift is shown, not failed ('flags validate' is the check)."},
            footerHeading = "%nExamples:%n",
            footer = {"  preflight flags list",
                "  preflight flags list --format markdown"})
    static final class ListFlags extends FlagsBase implements RendersWith<FlagsLists.Matrix> {
        @Override
        public Renderer<FlagsLists.Matrix> renderer() {
            return FlagsReport.MATRIX;
        }

        @Override
        public Integer call() {
            Format format = format();
            FlagsPlan fp = flagPlan();
            FlagsLists.Matrix m;
            try (Ledger ledger = openLedger(plan)) {
                m = new FlagsLists(context(fp, ledger)).list();
            }
            emit(renderer().render(m, format, style()));
            return m.verdict().exitCode().code();
        }
    }

    /** {@code flags diff}. */
    @Command(name = "diff", mixinStandardHelpOptions = true,
            description = {"Show the flags whose values differ between two environments.",
                "Exit 0 no difference, 1 they differ (like diff(1))."},
            footerHeading = "%nExamples:%n",
            footer = "  preflight flags diff staging production")
    static final class Diff extends FlagsBase implements RendersWith<FlagsLists.Drift> {
        @Override
        public Renderer<FlagsLists.Drift> renderer() {
            return FlagsReport.DRIFT;
        }

        @Parameters(index = "0", paramLabel = "ENV1")
        String a;

        @Parameters(index = "1", paramLabel = "ENV2")
        String b;

        @Override
        public Integer call() {
            Format format = format();
            FlagsPlan fp = flagPlan();
            FlagsLists.Drift d;
            try (Ledger ledger = openLedger(plan)) {
                d = new FlagsLists(context(fp, ledger)).diff(a, b);
            }
            emit(renderer().render(d, format, style()));
            return d.verdict().exitCode().code();
        }
    }

    /** {@code flags history}. */
    @Command(name = "history", mixinStandardHelpOptions = true,
            description = {"Show every recorded toggle of a flag, oldest first: who, when, old -> new, why, and the approver.",
                "Exit 0."},
            footerHeading = "%nExamples:%n",
            footer = "  preflight flags history new_checkout")
    static final class History extends FlagsBase implements RendersWith<FlagsLists.History> {
        @Override
        public Renderer<FlagsLists.History> renderer() {
            return FlagsReport.HISTORY;
        }

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            Format format = format();
            FlagsPlan fp = flagPlan();
            FlagsLists.History h;
            try (Ledger ledger = openLedger(plan)) {
                h = new FlagsLists(context(fp, ledger)).history(name);
            }
            emit(renderer().render(h, format, style()));
            return h.verdict().exitCode().code();
        }
    }
}
