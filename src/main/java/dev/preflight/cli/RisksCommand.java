package dev.preflight.cli;

import dev.preflight.core.ExitCode;
import dev.preflight.core.PreflightException;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerAccess;
import dev.preflight.ledger.VerifyResult;
import dev.preflight.plan.Plan;
import dev.preflight.report.Format;
import dev.preflight.report.Renderer;
import dev.preflight.risk.RiskAssess;
import dev.preflight.risk.RiskAssessment;
import dev.preflight.risk.RiskContext;
import dev.preflight.risk.RiskReport;
import picocli.CommandLine.Command;

/** {@code preflight risks}: the risk register with each status derived from the ledger's evidence (runbook §5). */
@Command(name = "risks", mixinStandardHelpOptions = true,
        description = {"Show the risk register, each status derived from fresh evidence in the ledger.",
            "Each control counts for every subject it covers (without subject or environment: every subject the plan configures for it). Mitigated: all controls fresh and passing; At risk: evidence stale; Open: missing or failing.",
            "Exit 0 every risk is mitigated, 1 otherwise (or when the ledger does not verify: nothing is assessed)."},
        footerHeading = "%nExamples:%n",
        footer = {"  preflight risks",
            "  preflight risks --format markdown -o risks.md"})
public final class RisksCommand extends BaseCommand implements RendersWith<RiskAssessment> {
    @Override
    public Renderer<RiskAssessment> renderer() {
        return RiskReport.REGISTER;
    }

    @Override
    public Integer call() {
        Format format = format();
        Plan plan = loadPlan();
        // Before the ledger is opened: a plan without a register changes nothing.
        RiskContext.register(plan);
        try (Ledger ledger = openLedger(plan, LedgerAccess.APPEND)) {
            // The register is judged on the ledger's entries: on a chain that does not verify they
            // cannot be trusted, and an edited failure read as 'Mitigated' (readiness already said NO-GO).
            if (ledger.verify() instanceof VerifyResult.Broken b) {
                throw new PreflightException(ExitCode.CHECKS_FAILED, "the ledger at " + ledger.describe()
                        + " does not verify (first bad entry #" + b.firstBadSeq() + ": " + b.reason()
                        + "): the risks are not assessed on evidence that cannot be trusted",
                        "run 'preflight ledger verify' and investigate first");
            }
            RiskAssessment a = new RiskAssess(new RiskContext(plan, ledger, ctx().clock(), Runbook.owners())).run();
            emit(renderer().render(a, format, style()));
            return a.verdict().exitCode().code();
        }
    }
}
