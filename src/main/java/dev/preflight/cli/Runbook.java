package dev.preflight.cli;

import dev.preflight.audit.AuditSection;
import dev.preflight.backup.BackupPresenceSection;
import dev.preflight.backup.BackupSection;
import dev.preflight.cutover.CutoverSection;
import dev.preflight.deps.DepsSection;
import dev.preflight.flags.FlagsSection;
import dev.preflight.gates.GatesSection;
import dev.preflight.ledger.EvidenceKind;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import dev.preflight.ledger.VerifyResult;
import dev.preflight.plan.Plan;
import dev.preflight.readiness.RunService;
import dev.preflight.restore.RestoreSection;
import dev.preflight.risk.RiskSection;
import dev.preflight.run.Expected;
import dev.preflight.run.RunContext;
import dev.preflight.run.Section;
import dev.preflight.run.SectionResult;
import java.time.Duration;
import java.util.ArrayList;
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
        List<Section> all = new ArrayList<>(owners());
        all.add(new RiskSection(owners()));
        return List.copyOf(all);
    }

    /** Every section but the risk register's: the owners of the evidence its controls name. */
    static List<Section> owners() {
        List<Section> all = new ArrayList<>(evidenceOwners());
        all.add(gates());
        return List.copyOf(all);
    }

    /** The sections that own the evidence the gates read (every owner but the gates themselves). */
    static List<Section> evidenceOwners() {
        return List.of(
                new LedgerIntegrity(),
                new BackupSection(),
                new RestoreSection(),
                new AuditSection(),
                new DepsSection(),
                new FlagsSection(),
                new CutoverSection());
    }

    /** The change-control gates section (runbook §4.3); its custom gates ask the evidence's owners. */
    static Section gates() {
        return new GatesSection(evidenceOwners());
    }

    /**
     * What {@code preflight readiness} re-checks before deciding: the ledger chain, the cutover's
     * readiness (derived from the cutover's own ledger entries and the driver, never moving traffic:
     * otherwise a failback drilled after the last {@code run} stayed invisible until everything was
     * run again), whether the backups' copies are still where the ledger says they were stored
     * (a copy deleted after its verification was GO until the next verify), the gates (other
     * systems' current state) and the risk register. Nothing else is
     * re-run: the other sections' evidence is what the ledger holds, judged by the same
     * {@link dev.preflight.readiness.GoNoGo}.
     */
    static List<Section> readiness(Plan plan) {
        // Only when configured: a plan without backups or a cutover shows the same re-checks as before.
        List<Section> out = new ArrayList<>();
        out.add(new LedgerIntegrity());
        if (plan.configures("backups")) {
            out.add(new BackupPresenceSection());
        }
        if (plan.configures("cutover")) {
            out.add(new CutoverSection());
        }
        out.add(gates());
        out.add(new RiskSection(owners()));
        return List.copyOf(out);
    }

    /** {@code preflight run}: executes every section, then asks the verdict (recorded as kind {@code run}). */
    static RunService run() {
        return new RunService(sections(), sections(), EvidenceKind.RUN.id());
    }

    /** {@code preflight readiness}: re-checks {@link #readiness()}, then asks the same verdict over every section. */
    static RunService readinessService(Plan plan) {
        return new RunService(readiness(plan), sections(), EvidenceKind.READINESS.id());
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
            ctx.ledger().append(NewEntry.of(EvidenceKind.LEDGER_VERIFY.id(), ctx.plan().project().name(),
                    r instanceof SectionResult.Passed ? Outcome.PASSED : Outcome.FAILED, r.summary(),
                    Map.of("entries", v.entries())));
            return r;
        }

        /** None: the verdict verifies the chain itself. */
        @Override
        public List<Expected> expectations(Plan plan, Duration maxAge) {
            return List.of();
        }
    }
}
