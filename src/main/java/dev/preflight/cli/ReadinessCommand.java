package dev.preflight.cli;

import dev.preflight.core.ExitCode;
import dev.preflight.core.PreflightException;
import dev.preflight.ledger.EvidenceKind;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerAccess;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import dev.preflight.plan.Plan;
import dev.preflight.readiness.Readiness;
import dev.preflight.readiness.ReadinessReport;
import dev.preflight.readiness.SignOffPayload;
import dev.preflight.report.Format;
import dev.preflight.report.Renderer;
import dev.preflight.run.RunContext;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code preflight readiness}: the go/no-go answer from the evidence on record (runbook §6-§7),
 * decided by the same verdict as {@code preflight run}: it re-checks the chain, the gates and the
 * risks, and judges every other section by the evidence the ledger holds.
 */
@Command(name = "readiness", mixinStandardHelpOptions = true,
        description = {"Give the go/no-go verdict from the evidence on record: the same verdict 'preflight run' ends with.",
            "GO only when the ledger verifies, every section the plan configures has fresh passing evidence for every subject it covers (max ages: readiness.max_age), every change-control gate passes, every risk is mitigated, and no sign-off was voided by a failure since. --format html writes one self-contained page for the change ticket.",
            "Exit 0 GO, 1 NO-GO."},
        footerHeading = "%nExamples:%n",
        footer = {"  preflight readiness",
            "  preflight readiness --format html -o readiness.html",
            "  preflight readiness sign --by alice --role 'change manager'"})
public final class ReadinessCommand extends BaseCommand implements RendersWith<ReadinessReport.Decision> {
    /**
     * The subcommands, in usage order: registered by {@link Cli} rather than in the annotation, so that
     * a run builds the (reflective, costly) model of the one it runs only.
     */
    static final List<Class<?>> SUBCOMMANDS = List.of(
            ReadinessCommand.Sign.class);

    @Override
    public Renderer<ReadinessReport.Decision> renderer() {
        return ReadinessReport.READINESS;
    }

    @Override
    public Integer call() {
        Format format = format();
        Plan plan = loadPlan();
        try (Ledger ledger = openLedger(plan, LedgerAccess.APPEND)) {
            Readiness r = Runbook.readinessService(plan).run(new RunContext(plan, ledger, ctx().clock(), ctx().err()));
            emit(renderer().render(new ReadinessReport.Decision(r, plan.project().name(), ctx().clock(),
                    () -> PageEvidence.readOrNone(ledger, plan, r)), format, style()));
            return RunCommand.exitCode(r);
        }
    }

    /** {@code preflight readiness sign}: records a sign-off of a GO verdict in the ledger. */
    @Command(name = "sign", mixinStandardHelpOptions = true,
            description = {"Record a sign-off of a GO verdict: who, their role, and the ledger head (seq and hash) it was given on.",
                "Refused (exit 1) when the verdict is NO-GO: a sign-off vouches for verified readiness. A failing entry recorded after a sign-off voids it (readiness is NO-GO naming it) until its signer signs again."},
            footerHeading = "%nExamples:%n",
            footer = "  preflight readiness sign --by alice --role 'change manager'")
    public static final class Sign extends BaseCommand implements RendersWith<ReadinessReport.Signing> {
        @Override
        public Renderer<ReadinessReport.Signing> renderer() {
            return ReadinessReport.SIGN;
        }

        @Option(names = "--by", required = true, paramLabel = "NAME", description = "Who signs off.")
        String by;

        @Option(names = "--role", required = true, paramLabel = "ROLE", description = "In what role (e.g. EPM, CAB chair).")
        String role;

        @Override
        public Integer call() {
            Format f = format();
            Plan plan = loadPlan();
            if (by.isBlank() || role.isBlank()) {
                throw PreflightException.usage("--by and --role must not be blank", null);
            }
            try (Ledger ledger = openLedger(plan, LedgerAccess.APPEND)) {
                // This signer's earlier sign-offs are replaced by this one; everyone else's still count.
                Readiness r = Runbook.readinessService(plan).run(new RunContext(plan, ledger, ctx().clock(), ctx().err()),
                        new String[] {by, role});
                if (!r.go()) {
                    emit(renderer().render(new ReadinessReport.Signing(r, plan.project().name(),
                            new SignOffPayload(by, role, "NO-GO", r.seq(), r.ledgerHead(), plan.sha256()), null), f, style()));
                    return ExitCode.CHECKS_FAILED.code();
                }
                SignOffPayload payload = new SignOffPayload(by, role, "GO", r.seq(), r.ledgerHead(), plan.sha256());
                LedgerEntry e = ledger.append(NewEntry.of(EvidenceKind.SIGN_OFF.id(), plan.project().name(), Outcome.PASSED,
                        "GO signed off by " + by + " (" + role + ") on head #" + r.seq(), payload));
                emit(renderer().render(new ReadinessReport.Signing(r, plan.project().name(), payload, e.seq()), f,
                        style()));
                return ExitCode.OK.code();
            }
        }
    }
}
