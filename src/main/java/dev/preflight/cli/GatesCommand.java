package dev.preflight.cli;

import dev.preflight.core.Progress;
import dev.preflight.gates.GatesAck;
import dev.preflight.gates.GatesCheck;
import dev.preflight.gates.GatesChecked;
import dev.preflight.gates.GatesContext;
import dev.preflight.gates.GatesDrivers;
import dev.preflight.gates.GatesNotify;
import dev.preflight.gates.GatesPublish;
import dev.preflight.gates.GatesReport;
import dev.preflight.gates.Http;
import dev.preflight.ledger.Ledger;
import dev.preflight.plan.Plan;
import dev.preflight.report.Format;
import dev.preflight.report.Renderer;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code preflight gates}: the change-control gates of runbook §4.3 (CAB ticket, on-call, notice, custom). */
@Command(name = "gates", mixinStandardHelpOptions = true,
        description = {"Check the change-control gates (runbook §4.3): CAB ticket, on-call, stakeholder notice and custom CEL gates.",
            "The CAB ticket carries the current evidence, the primary and secondary on-call cover and acknowledged the window, the stakeholders were told in time, and custom gates are CEL expressions over the evidence."},
        footerHeading = "%nExamples:%n",
        footer = {"  preflight gates check",
            "  preflight gates ack --role primary --user alice@example.com",
            "  preflight gates notify",
            "  preflight gates publish"})
public final class GatesCommand implements Callable<Integer> {
    /**
     * The subcommands, in usage order: registered by {@link Cli} rather than in the annotation, so that
     * a run builds the (reflective, costly) model of the one it runs only.
     */
    static final List<Class<?>> SUBCOMMANDS = List.of(
            GatesCommand.Check.class,
            GatesCommand.Publish.class,
            GatesCommand.Ack.class,
            GatesCommand.Notify.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        return PreflightCommand.usageError(spec);
    }

    /** The gates' context with the real drivers, whose retries say on stderr what they wait for. */
    static GatesContext gatesContext(CliContext ctx, Plan plan, Ledger ledger) {
        return new GatesContext(plan, ledger, ctx.clock(),
                GatesDrivers.real(ctx.clock(), Http.Sleeper.telling(ctx.err()), Http.Retries.DEFAULT), Runbook.evidenceOwners());
    }

    /** {@code gates check}: every configured gate, recorded in the ledger. */
    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Check every configured gate and record the results (ledger kind 'gates').",
                "Exit 0 all gates pass, 1 a gate fails, 2 plan or configuration error."},
            footerHeading = "%nExamples:%n",
            footer = {"  preflight gates check",
                "  preflight gates check --format junit -o gates.xml"})
    static final class Check extends BaseCommand implements RendersWith<GatesChecked> {
        @Override
        public Renderer<GatesChecked> renderer() {
            return GatesReport.CHECK;
        }

        @Override
        public Integer call() {
            Format format = format();
            Plan plan = loadPlan();
            GatesContext.requireConfig(plan, true, true);
            GatesChecked r;
            try (Ledger ledger = openLedger(plan)) {
                try (Progress waiting = Progress.waiting(progressOptions(), "gates check")) {
                    r = new GatesCheck(gatesContext(ctx(), plan, ledger)).run();
                }
                emit(renderer().render(r, format, style()));
            }
            return r.verdict().exitCode().code();
        }
    }

    /** {@code gates publish}: attach the current evidence to the CAB ticket. */
    @Command(name = "publish", mixinStandardHelpOptions = true,
            description = {"Attach the current evidence to the CAB ticket and record each file's SHA-256 with the ledger entry it comes from.",
                "The evidence is the window environment's latest audit report, each backup source's latest backup log entry (each must have passed) and the runbook link; each file names the ledger head. Recorded as ledger kind gates-publish.",
                "Exit 0 all attached, 1 some evidence is missing, 2 configuration error, 3 the ticket system failed."},
            footerHeading = "%nExamples:%n",
            footer = "  preflight gates publish")
    static final class Publish extends BaseCommand implements RendersWith<GatesPublish.Attached> {
        @Override
        public Renderer<GatesPublish.Attached> renderer() {
            return GatesReport.PUBLISH;
        }

        @Override
        public Integer call() {
            Format format = format();
            Plan plan = loadPlan();
            GatesContext.requireConfig(plan, true, false);
            try (Ledger ledger = openLedger(plan)) {
                GatesPublish.Attached r = new GatesPublish(gatesContext(ctx(), plan, ledger)).run();
                emit(renderer().render(r, format, style()));
                return r.verdict().exitCode().code();
            }
        }
    }

    /** {@code gates ack}: the on-call person acknowledges the window. */
    @Command(name = "ack", mixinStandardHelpOptions = true,
            description = "Record that the primary or secondary on-call acknowledged the window (ledger kind 'oncall-ack').",
            footerHeading = "%nExamples:%n",
            footer = {"  preflight gates ack --role primary --user alice@example.com",
                "  preflight gates ack --role secondary --user bob"})
    static final class Ack extends BaseCommand implements RendersWith<GatesAck.Acked> {
        @Override
        public Renderer<GatesAck.Acked> renderer() {
            return GatesReport.ACK;
        }

        @Option(names = "--role", required = true, paramLabel = "primary|secondary", description = "primary or secondary")
        String role;

        @Option(names = "--user", required = true, paramLabel = "NAME", description = "PagerDuty user id, name or e-mail (a name two people share acknowledges neither)")
        String user;

        @Override
        public Integer call() {
            Format format = format();
            Plan plan = loadPlan();
            GatesContext.requireConfig(plan, false, false);
            try (Ledger ledger = openLedger(plan)) {
                GatesAck.Acked r = new GatesAck(gatesContext(ctx(), plan, ledger)).run(role, user);
                emit(renderer().render(r, format, style()));
                return r.verdict().exitCode().code();
            }
        }
    }

    /** {@code gates notify}: send the stakeholder notices. */
    @Command(name = "notify", mixinStandardHelpOptions = true,
            description = {"Send the stakeholder notices by SMTP and/or webhook, rendered with the window's details, and record when (ledger kind 'notice-sent').",
                "Exit 0 sent, 2 configuration error, 3 sending failed."},
            footerHeading = "%nExamples:%n",
            footer = "  preflight gates notify")
    static final class Notify extends BaseCommand implements RendersWith<GatesNotify.Sent> {
        @Override
        public Renderer<GatesNotify.Sent> renderer() {
            return GatesReport.NOTIFY;
        }

        @Override
        public Integer call() {
            Format format = format();
            Plan plan = loadPlan();
            GatesContext.requireConfig(plan, false, false);
            try (Ledger ledger = openLedger(plan)) {
                GatesNotify.Sent r = new GatesNotify(gatesContext(ctx(), plan, ledger)).run();
                emit(renderer().render(r, format, style()));
                return r.verdict().exitCode().code();
            }
        }
    }
}
