package dev.preflight.cli;

import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import dev.preflight.ledger.VerifyResult;
import dev.preflight.run.RunContext;
import dev.preflight.run.Section;
import dev.preflight.run.SectionResult;
import dev.preflight.run.UnavailableSection;
import java.util.List;
import java.util.Map;

/**
 * The composition root of {@code preflight run}: the runbook's sections in its order. Capabilities
 * that have not landed are {@link UnavailableSection}s, so a plan that configures them gets NO-GO.
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
                new UnavailableSection("deps", c -> c.plan().configures("dependencies"), "Dependency review (§3.2)"),
                new UnavailableSection("flags", c -> c.plan().configures("feature_flags"), "Feature flag validation (§4.1)"),
                new UnavailableSection("cutover", c -> c.plan().configures("cutover"), "Blue/green cutover (§4.2)"),
                new UnavailableSection("gates", c -> c.plan().configures("gates") || c.plan().configures("change_window"),
                        "Change-control gates (§4.3)"),
                new UnavailableSection("risks", c -> c.plan().configures("risks"), "Risk register (§5)"));
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
    }
}
