package dev.preflight.cli;

import dev.preflight.core.ExitCode;
import dev.preflight.core.PreflightException;
import dev.preflight.ledger.Ledger;
import dev.preflight.plan.Plan;
import dev.preflight.readiness.Readiness;
import dev.preflight.readiness.ReadinessReport;
import dev.preflight.report.Format;
import dev.preflight.report.Renderer;
import dev.preflight.run.RunContext;
import picocli.CommandLine.Command;

/** {@code preflight run}: every configured section in the runbook's order, then the GO/NO-GO verdict. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run every section the plan configures in the runbook's order, record each in the ledger, and end with GO or NO-GO.",
            "The verdict is decided exactly as 'preflight readiness' does: GO only when the chain verifies, every configured section has fresh passing evidence for every subject it covers, every gate passes and every risk is mitigated.",
            "Exit 0 GO, 1 NO-GO."},
        footerHeading = "%nExamples:%n",
        footer = {"  preflight --plan examples/quickstart/preflight.yaml run",
            "  preflight run --format html -o readiness.html"})
public final class RunCommand extends BaseCommand implements RendersWith<ReadinessReport.Decision> {
    @Override
    public Renderer<ReadinessReport.Decision> renderer() {
        return ReadinessReport.RUN;
    }

    @Override
    public Integer call() {
        Format format = format();
        Plan plan = loadPlan();
        try (Ledger ledger = openLedger(plan)) {
            RunContext rc = new RunContext(plan, ledger, ctx().clock(), ctx().err());
            Readiness readiness = Runbook.run().run(rc);
            emit(renderer().render(new ReadinessReport.Decision(readiness, plan.project().name(), ctx().clock(),
                    () -> PageEvidence.readOrNone(ledger, plan, readiness)), format, style()));
            return exitCode(readiness);
        }
    }

    /**
     * The exit code of a stated verdict: 0 GO, 1 NO-GO, and, once a NO-GO whose evidence could not be
     * judged has been printed, the unreadable row as the state it is (exit 3, naming it).
     */
    static int exitCode(Readiness r) {
        if (!r.verdict().judged()) {
            throw PreflightException.state(r.verdict().unjudged(), "run 'preflight ledger verify'");
        }
        return r.go() ? ExitCode.OK.code() : ExitCode.CHECKS_FAILED.code();
    }
}
