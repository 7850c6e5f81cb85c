package dev.preflight.cli;

import dev.preflight.core.ExitCode;
import dev.preflight.ledger.Ledger;
import dev.preflight.plan.Plan;
import dev.preflight.report.Format;
import dev.preflight.report.ReadinessReport;
import dev.preflight.run.Readiness;
import dev.preflight.run.RunContext;
import dev.preflight.run.RunService;
import picocli.CommandLine.Command;

/** {@code preflight run}: every configured section in the runbook's order, then the GO/NO-GO verdict. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run every section the plan configures, in the runbook's order, record each in the ledger, "
                + "and end with the readiness verdict: GO only if every configured section passed.")
public final class RunCommand extends BaseCommand {
    @Override
    public Integer call() {
        Format format = format(Format.TEXT, Format.JSON, Format.MARKDOWN, Format.HTML);
        Plan plan = loadPlan();
        try (Ledger ledger = openLedger(plan)) {
            RunContext rc = new RunContext(plan, ledger, ctx().clock(), ctx().err());
            Readiness readiness = new RunService(Runbook.sections()).run(rc);
            if (format == Format.HTML) {
                java.util.List<java.util.Map<String, Object>> risks = plan.section("risks", dev.preflight.risk.RiskPlan.class)
                        .map(rp -> dev.preflight.risk.RiskReports.json(new dev.preflight.risk.RiskService(ledger,
                                ctx().clock()).assess(rp))).orElse(java.util.List.of());
                emit(dev.preflight.report.HtmlReport.render(plan.project().name(), "Pre-flight run", readiness, risks,
                        dev.preflight.report.EvidenceDigest.read(ledger), ctx().clock().instant()));
            } else {
                emit(ReadinessReport.render(readiness, plan.project().name(), format, style()));
            }
            return readiness.go() ? ExitCode.OK.code() : ExitCode.CHECKS_FAILED.code();
        }
    }
}
