package dev.preflight.cli;

import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerAccess;
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
            "Exit 0 every risk is mitigated, 1 otherwise."},
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
            RiskAssessment a = new RiskAssess(new RiskContext(plan, ledger, ctx().clock(), Runbook.owners())).run();
            emit(renderer().render(a, format, style()));
            return a.verdict().exitCode().code();
        }
    }
}
