package dev.preflight.cli;

import dev.preflight.core.LockHolder;
import dev.preflight.core.PreflightException;
import dev.preflight.core.Secrets;
import dev.preflight.cutover.CutoverContext;
import dev.preflight.cutover.CutoverContract;
import dev.preflight.cutover.CutoverFailback;
import dev.preflight.cutover.CutoverHistory;
import dev.preflight.cutover.CutoverMonitor;
import dev.preflight.cutover.CutoverPlan;
import dev.preflight.cutover.CutoverPlanView;
import dev.preflight.cutover.CutoverReport;
import dev.preflight.cutover.CutoverResume;
import dev.preflight.cutover.CutoverRun;
import dev.preflight.cutover.CutoverStart;
import dev.preflight.cutover.CutoverState;
import dev.preflight.cutover.CutoverStatus;
import dev.preflight.cutover.CutoverSwitch;
import dev.preflight.cutover.HttpProbe;
import dev.preflight.cutover.LoadBalancer;
import dev.preflight.cutover.LoadBalancerDriver;
import dev.preflight.exec.LocalProcessRunner;
import dev.preflight.ledger.Ledger;
import dev.preflight.plan.Plan;
import dev.preflight.report.Format;
import dev.preflight.report.Renderer;
import dev.preflight.report.Visible;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code preflight cutover ...}: the blue/green cutover of runbook §4.2 as a resumable, recorded state machine. */
@Command(name = "cutover", mixinStandardHelpOptions = true,
        description = {"Run the blue/green cutover (runbook §4.2) as a resumable state machine recorded in the ledger.",
            "States: planned -> green-prepared -> expanded -> promoted -> switched -> stable -> contracted; failed-back from switched or stable. One cutover per environment at a time (exit 3 otherwise)."},
        footerHeading = "%nExamples:%n",
        footer = {"  preflight cutover plan",
            "  preflight cutover start --until promoted",
            "  preflight cutover status",
            "  preflight cutover failback"})
public final class CutoverCommand implements Callable<Integer> {
    /**
     * The subcommands, in usage order: registered by {@link Cli} rather than in the annotation, so that
     * a run builds the (reflective, costly) model of the one it runs only.
     */
    static final List<Class<?>> SUBCOMMANDS = List.of(
            CutoverCommand.PlanCmd.class,
            CutoverCommand.Start.class,
            CutoverCommand.Status.class,
            CutoverCommand.Resume.class,
            CutoverCommand.Switch.class,
            CutoverCommand.Monitor.class,
            CutoverCommand.Failback.class,
            CutoverCommand.Contract.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        return PreflightCommand.usageError(spec);
    }

    /** What the cutover subcommands share: the plan's section, the driver, the service. */
    abstract static class Sub extends BaseCommand implements RendersWith<CutoverRun> {
        @Override
        public Renderer<CutoverRun> renderer() {
            return CutoverReport.RUN;
        }

        @Option(names = "--dry-run", description = "Print every action without doing it; nothing is changed or recorded.")
        boolean dryRun;

        static CutoverPlan section(Plan plan) {
            return plan.section("cutover", CutoverPlan.class).orElseThrow(() -> PreflightException.usage(
                    "the plan has no cutover section", "add 'cutover:' to the plan (see docs/plan-reference.md)"));
        }

        static LoadBalancer loadBalancer(Plan plan, CutoverPlan cp) {
            LoadBalancerDriver d = LoadBalancerDriver.find(cp.loadBalancer().type());
            if (d == null) {
                throw PreflightException.usage("no load balancer driver for type '" + cp.loadBalancer().type() + "'",
                        "types: nginx, haproxy, command");
            }
            return d.open(cp, new LocalProcessRunner(plan.secrets()));
        }

        /**
         * A writer to {@code to} that masks the plan's secrets in every line it prints and keeps each
         * on its line: a progress line may quote an answer (an HTTP error, a load balancer's stderr),
         * and in text it goes to the terminal as it happens, not through a renderer.
         */
        PrintWriter progress(PrintWriter to) {
            Secrets s = secrets();
            return new PrintWriter(to, true) {
                @Override
                public void println(String x) {
                    super.println(Visible.line(s.redact(x)));
                }
            };
        }

        /**
         * Builds the cutover context once and runs {@code verb} with it. In text the progress is
         * printed as it happens (a monitor runs for a day); in JSON it goes to stderr and the result
         * record is printed at the end.
         */
        int act(Function<CutoverContext, CutoverRun> verb) {
            Format f = format();
            Plan plan = loadPlan();
            CutoverPlan cp = section(plan);
            LoadBalancer lb = loadBalancer(plan, cp);
            LockHolder holder = LockHolder.me(ctx().clock().instant(), spec.qualifiedName().replaceFirst("^preflight ", ""));
            try (Ledger ledger = openLedger(plan)) {
                PrintWriter sink = progress(f == Format.JSON ? ctx().err() : ctx().out());
                CutoverContext c = new CutoverContext(cp, ledger, ctx().clock(), lb, new HttpProbe(),
                        new LocalProcessRunner(plan.secrets()), new CutoverContext.Locking(Locks.of(this, plan),
                        plan.baseDir().resolve(".preflight"), holder), dryRun, CutoverContext.Sleeper.real(), sink::println);
                CutoverRun run = verb.apply(c);
                if (f == Format.JSON) {
                    emit(renderer().render(run, Format.JSON, style()));
                }
                return run.verdict().exitCode().code();
            }
        }
    }

    /** {@code cutover plan}: every step and action, nothing run. */
    @Command(name = "plan", mixinStandardHelpOptions = true,
            description = "Print every step and action the cutover would run; nothing is touched.",
            footerHeading = "%nExamples:%n",
            footer = {"  preflight cutover plan",
                "  preflight cutover plan --format markdown -o cutover-plan.md"})
    public static final class PlanCmd extends BaseCommand implements RendersWith<CutoverPlanView> {
        @Override
        public Renderer<CutoverPlanView> renderer() {
            return CutoverReport.PLAN;
        }

        @Override
        public Integer call() {
            Format f = format();
            Plan plan = loadPlan();
            CutoverPlan cp = Sub.section(plan);
            CutoverPlanView v = CutoverPlanView.of(CutoverContext.planOnly(cp, ctx().clock(), Sub.loadBalancer(plan, cp)));
            emit(renderer().render(v, f, style()));
            return v.verdict().exitCode().code();
        }
    }

    /** {@code cutover status}: the state derived from the ledger. */
    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Show where the cutover stands (from the ledger): what ran, what is next, and whether failback is still possible.",
            footerHeading = "%nExamples:%n",
            footer = {"  preflight cutover status",
                "  preflight cutover status --format json"})
    public static final class Status extends BaseCommand implements RendersWith<CutoverStatus> {
        @Override
        public Renderer<CutoverStatus> renderer() {
            return CutoverReport.STATUS;
        }

        @Override
        public Integer call() {
            Format f = format();
            Plan plan = loadPlan();
            CutoverPlan cp = Sub.section(plan);
            try (Ledger ledger = openLedger(plan)) {
                CutoverStatus st = CutoverStatus.of(cp, CutoverHistory.read(ledger, cp.environment(), cp.project()), ctx().clock());
                emit(renderer().render(st, f, style()));
                return st.verdict().exitCode().code();
            }
        }
    }

    /** {@code cutover start}. */
    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Begin a cutover and run prepare, expand, promote and switch (or stop at --until).",
            footerHeading = "%nExamples:%n",
            footer = {"  preflight cutover start --dry-run",
                "  preflight cutover start --until promoted"})
    public static final class Start extends Sub {
        @Option(names = "--until", paramLabel = "STATE", defaultValue = "switched",
                description = "Stop at green-prepared, expanded, promoted or switched (default).")
        String until;

        @Override
        public Integer call() {
            CutoverState u;
            try {
                u = CutoverState.parse(until);
            } catch (IllegalArgumentException e) {
                throw PreflightException.usage(e.getMessage(), "one of: green-prepared, expanded, promoted, switched");
            }
            return act(c -> new CutoverStart(c).run(u));
        }
    }

    /** {@code cutover resume}. */
    @Command(name = "resume", mixinStandardHelpOptions = true,
            description = "Continue the current cutover from its last completed step; an interrupted step runs again.",
            footerHeading = "%nExamples:%n",
            footer = "  preflight cutover resume")
    public static final class Resume extends Sub {
        @Option(names = "--until", paramLabel = "STATE",
                description = "Go on to green-prepared, expanded, promoted or switched (default: the state it was started to).")
        String until;

        @Override
        public Integer call() {
            CutoverState u = null;
            if (until != null) {
                try {
                    u = CutoverState.parse(until);
                } catch (IllegalArgumentException e) {
                    throw PreflightException.usage(e.getMessage(), "one of: green-prepared, expanded, promoted, switched");
                }
            }
            CutoverState target = u;
            return act(c -> new CutoverResume(c).run(target));
        }
    }

    /** {@code cutover switch}. */
    @Command(name = "switch", mixinStandardHelpOptions = true,
            description = "Run the smoke suite against green and, only if it passed, move the load balancer to green.",
            footerHeading = "%nExamples:%n",
            footer = "  preflight cutover switch")
    public static final class Switch extends Sub {
        @Override
        public Integer call() {
            return act(c -> new CutoverSwitch(c).run());
        }
    }

    /** {@code cutover monitor}. */
    @Command(name = "monitor", mixinStandardHelpOptions = true,
            description = {"Watch the stable window: a monitor round every stable.interval until the window after the switch has passed.",
                "Then the state is stable; a breach triggers stable.policy."},
            footerHeading = "%nExamples:%n",
            footer = {"  preflight cutover monitor",
                "  preflight cutover monitor --rounds 1"})
    public static final class Monitor extends Sub {
        @Option(names = "--rounds", paramLabel = "N", defaultValue = "0",
                description = "Stop after N rounds (0: until the window has passed); for cron-style monitoring.")
        int rounds;

        @Override
        public Integer call() {
            return act(c -> new CutoverMonitor(c).run(rounds));
        }
    }

    /** {@code cutover failback}. */
    @Command(name = "failback", mixinStandardHelpOptions = true,
            description = {"Move traffic back to blue (from switched or stable only), check that blue serves, and record how long it took.",
                "Exit 1 when blue does not serve, or when the failback took longer than the plan's bound (traffic stays on blue; the drill is recorded as failed)."},
            footerHeading = "%nExamples:%n",
            footer = "  preflight cutover failback")
    public static final class Failback extends Sub {
        @Override
        public Integer call() {
            return act(c -> new CutoverFailback(c).run());
        }
    }

    /** {@code cutover contract}. */
    @Command(name = "contract", mixinStandardHelpOptions = true,
            description = {"Run the contract migrations: the point of no return.",
                "Refused before the stable window has passed with no breach and no failback, and without a fresh passed backup in the ledger."},
            footerHeading = "%nExamples:%n",
            footer = "  preflight cutover contract --yes")
    public static final class Contract extends Sub {
        @Option(names = "--yes", description = "Confirm: after contract, failback is no longer possible.")
        boolean yes;

        @Override
        public Integer call() {
            return act(c -> new CutoverContract(c).run(yes));
        }
    }
}
