package dev.preflight.cli;

import dev.preflight.core.Progress;
import dev.preflight.gates.ChangeTicket;
import dev.preflight.gates.GateReports;
import dev.preflight.gates.GateResult;
import dev.preflight.gates.GateService;
import dev.preflight.gates.Http;
import dev.preflight.ledger.Ledger;
import dev.preflight.plan.Plan;
import dev.preflight.report.Format;
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
            "  preflight gates publish"},
        subcommands = {GatesCommand.Check.class, GatesCommand.Publish.class, GatesCommand.Ack.class,
            GatesCommand.Notify.class})
public final class GatesCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        return PreflightCommand.usageError(spec);
    }

    /** The real drivers, whose retries say on stderr what they wait for. */
    static GateService.Drivers drivers(CliContext ctx) {
        return GateService.Drivers.real(ctx.clock(), Http.Sleeper.telling(ctx.err()), Http.Retries.DEFAULT);
    }

    /** {@code gates check}: every configured gate, recorded in the ledger. */
    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Check every configured gate and record the results (ledger kind 'gates').",
                "Exit 0 all gates pass, 1 a gate fails, 2 plan or configuration error."},
            footerHeading = "%nExamples:%n",
            footer = {"  preflight gates check",
                "  preflight gates check --format junit -o gates.xml"})
    @Formats({Format.TEXT, Format.JSON, Format.JUNIT, Format.MARKDOWN})
    static final class Check extends BaseCommand {
        @Override
        public Integer call() {
            Format format = format();
            Plan plan = loadPlan();
            GateService.requireConfig(plan);
            GateService svc;
            List<GateResult> results;
            try (Ledger ledger = openLedger(plan)) {
                svc = new GateService(plan, ledger, ctx().clock(), drivers(ctx()));
                try (Progress waiting = Progress.waiting(progressOptions(), "gates check")) {
                    results = svc.check();
                }
                emit(GateReports.render(svc.window(), results, format, style()));
            }
            return results.stream().allMatch(GateResult::passed) ? 0 : 1;
        }
    }

    /** {@code gates publish}: attach the current evidence to the CAB ticket. */
    @Command(name = "publish", mixinStandardHelpOptions = true,
            description = {"Attach the current evidence to the CAB ticket and record each file's SHA-256 with the ledger entry it comes from.",
                "The evidence is the window environment's latest audit report, each backup source's latest backup log entry (each must have passed) and the runbook link; each file names the ledger head. Recorded as ledger kind gates-publish.",
                "Exit 0 all attached, 1 some evidence is missing, 2 configuration error, 3 the ticket system failed."},
            footerHeading = "%nExamples:%n",
            footer = "  preflight gates publish")
    static final class Publish extends BaseCommand {
        @Override
        public Integer call() {
            format();
            Plan plan = loadPlan();
            GateService.requireConfig(plan, true, false);
            try (Ledger ledger = openLedger(plan)) {
                var r = new GateService(plan, ledger, ctx().clock(), drivers(ctx())).publish();
                StringBuilder sb = new StringBuilder();
                for (ChangeTicket.Published p : r.attached()) {
                    sb.append("attached  ").append(p.name()).append("  sha256 ").append(p.sha256()).append("  (")
                            .append(p.reference()).append(")\n");
                }
                r.missing().forEach(m -> sb.append("MISSING   ").append(m).append('\n'));
                sb.append(r.attached().size()).append(" item(s) attached to ").append(r.ticket())
                        .append(" at ledger head #").append(r.headSeq()).append(' ').append(r.headHash())
                        .append(", recorded as ledger entry #").append(r.seq()).append('\n');
                emit(sb.toString());
                return r.missing().isEmpty() ? 0 : 1;
            }
        }
    }

    /** {@code gates ack}: the on-call person acknowledges the window. */
    @Command(name = "ack", mixinStandardHelpOptions = true,
            description = "Record that the primary or secondary on-call acknowledged the window (ledger kind 'oncall-ack').",
            footerHeading = "%nExamples:%n",
            footer = {"  preflight gates ack --role primary --user alice@example.com",
                "  preflight gates ack --role secondary --user bob"})
    static final class Ack extends BaseCommand {
        @Option(names = "--role", required = true, paramLabel = "primary|secondary", description = "primary or secondary")
        String role;

        @Option(names = "--user", required = true, paramLabel = "NAME", description = "PagerDuty name or e-mail")
        String user;

        @Override
        public Integer call() {
            format();
            Plan plan = loadPlan();
            GateService.requireConfig(plan, false, false);
            try (Ledger ledger = openLedger(plan)) {
                var e = new GateService(plan, ledger, ctx().clock(), drivers(ctx())).ack(role, user);
                emit(e.summary() + " (ledger entry #" + e.seq() + ")\n");
                return 0;
            }
        }
    }

    /** {@code gates notify}: send the stakeholder notices. */
    @Command(name = "notify", mixinStandardHelpOptions = true,
            description = {"Send the stakeholder notices by SMTP and/or webhook, rendered with the window's details, and record when (ledger kind 'notice-sent').",
                "Exit 0 sent, 2 configuration error, 3 sending failed."},
            footerHeading = "%nExamples:%n",
            footer = "  preflight gates notify")
    static final class Notify extends BaseCommand {
        @Override
        public Integer call() {
            format();
            Plan plan = loadPlan();
            GateService.requireConfig(plan, false, false);
            try (Ledger ledger = openLedger(plan)) {
                var r = new GateService(plan, ledger, ctx().clock(), drivers(ctx()))
                        .notifyStakeholders();
                StringBuilder sb = new StringBuilder();
                r.notices().forEach(n -> sb.append("sent  ").append(n.template()).append("  \"").append(n.subject())
                        .append("\"  template sha256 ").append(n.templateSha256()).append('\n'));
                sb.append(r.entry().summary()).append(" at ").append(r.entry().time()).append(" (ledger entry #")
                        .append(r.entry().seq()).append(")\n");
                emit(sb.toString());
                return 0;
            }
        }
    }
}
