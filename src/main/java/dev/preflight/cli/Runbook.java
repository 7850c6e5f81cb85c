package dev.preflight.cli;

import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import dev.preflight.ledger.VerifyResult;
import dev.preflight.run.RunContext;
import dev.preflight.run.Section;
import dev.preflight.run.SectionResult;
import java.util.List;
import java.util.Map;

/**
 * The composition root of {@code preflight run}: the runbook's sections in its order. Capabilities
 * are found here and nowhere else; a section the plan does not configure is left out of the verdict.
 */
final class Runbook {
    private Runbook() {
    }

    static List<Section> sections() {
        return List.of(
                new LedgerIntegrity(),
                new dev.preflight.backup.BackupSection(),
                new dev.preflight.restore.RestoreSection(),
                new dev.preflight.audit.AuditSection(),
                new dev.preflight.deps.DepsSection(),
                new dev.preflight.flags.FlagsSection(),
                new dev.preflight.cutover.CutoverSection(),
                gates(),
                new dev.preflight.risk.RiskSection());
    }

    /** The change-control gates section (runbook §4.3). */
    static Section gates() {
        return new dev.preflight.gates.GatesSection();
    }

    /**
     * What {@code preflight readiness} re-checks before deciding: the ledger chain, the cutover's
     * readiness (derived from the cutover's own ledger entries and the driver, never moving traffic:
     * otherwise a failback drilled after the last {@code run} stayed invisible until everything was
     * run again), the gates (other systems' current state) and the risk register. Nothing else is
     * re-run: the other sections' evidence is what the ledger holds, judged by the same
     * {@link dev.preflight.readiness.GoNoGo}.
     */
    static List<Section> readiness(dev.preflight.plan.Plan plan) {
        // Only when configured: a plan without a cutover shows the same re-checks as before.
        return plan.configures("cutover")
                ? List.of(new LedgerIntegrity(), new dev.preflight.cutover.CutoverSection(), gates(),
                        new dev.preflight.risk.RiskSection())
                : List.of(new LedgerIntegrity(), gates(), new dev.preflight.risk.RiskSection());
    }

    /** {@code preflight run}: executes every section, then asks the verdict (recorded as kind {@code run}). */
    static dev.preflight.readiness.RunService run() {
        return new dev.preflight.readiness.RunService(sections(), sections(), "run");
    }

    /** {@code preflight readiness}: re-checks {@link #readiness()}, then asks the same verdict over every section. */
    static dev.preflight.readiness.RunService readinessService(dev.preflight.plan.Plan plan) {
        return new dev.preflight.readiness.RunService(readiness(plan), sections(), "readiness");
    }

    /** Verifies the evidence chain before anything is added to it: evidence on a broken chain is worthless. */
    static final class LedgerIntegrity implements Section {
        @Override
        public String name() {
            return "ledger";
        }

        @Override
        public boolean configured(RunContext context) {
            return true;
        }

        @Override
        public SectionResult run(RunContext ctx) {
            VerifyResult v = ctx.ledger().verify();
            SectionResult r = v instanceof VerifyResult.Broken b
                    ? new SectionResult.Failed("ledger", "chain broken at entry #" + b.firstBadSeq(), List.of(b.reason()))
                    : new SectionResult.Passed("ledger", "chain of " + v.entries() + " entries verified in "
                            + ctx.ledger().describe());
            ctx.ledger().append(NewEntry.of("ledger-verify", ctx.plan().project().name(),
                    r instanceof SectionResult.Passed ? Outcome.PASSED : Outcome.FAILED, r.summary(),
                    Map.of("entries", v.entries())));
            return r;
        }

        /** None: the verdict verifies the chain itself. */
        @Override
        public List<dev.preflight.run.Expected> expectations(dev.preflight.plan.Plan plan, java.time.Duration maxAge) {
            return List.of();
        }
    }
}
