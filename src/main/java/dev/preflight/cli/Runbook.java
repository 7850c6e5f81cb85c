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
                new UnavailableSection("backups", c -> c.plan().configures("backups"), "Backups (runbook §2 steps 1-3, 5)"),
                new UnavailableSection("restore-test", c -> c.plan().configures("restore_test"), "Restore validation (§2 step 4)"),
                new AuditSection(),
                new UnavailableSection("deps", c -> c.plan().configures("dependencies"), "Dependency review (§3.2)"),
                new UnavailableSection("flags", c -> c.plan().configures("feature_flags"), "Feature flag validation (§4.1)"),
                new UnavailableSection("cutover", c -> c.plan().configures("cutover"), "Blue/green cutover (§4.2)"),
                new UnavailableSection("gates", c -> c.plan().configures("gates") || c.plan().configures("change_window"),
                        "Change-control gates (§4.3)"),
                new UnavailableSection("risks", c -> c.plan().configures("risks"), "Risk register (§5)"));
    }

    /** The compatibility audit of every environment that has hosts and requirements (runbook §3.1). */
    static final class AuditSection implements Section {
        @Override
        public String name() {
            return "audit";
        }

        @Override
        public boolean configured(RunContext c) {
            return !c.plan().requirements().isEmpty()
                    || c.plan().environments().stream().anyMatch(e -> !e.requirements().isEmpty());
        }

        @Override
        public SectionResult run(RunContext ctx) {
            var targets = dev.preflight.audit.PlanAudit.targets(ctx.plan(), null);
            if (targets.isEmpty()) {
                return new SectionResult.Failed("audit", "requirements are configured but no environment has hosts",
                        List.of("add hosts to an environment"));
            }
            var service = new dev.preflight.audit.AuditService(
                    dev.preflight.exec.HostConnectors.localOnly(ctx.plan().secrets()),
                    new dev.preflight.audit.Prober(java.time.Duration.ofSeconds(60)), 32);
            List<String> reasons = new java.util.ArrayList<>();
            int worst = 0;
            int hosts = 0;
            for (var t : targets) {
                dev.preflight.audit.AuditModel.Report r;
                try {
                    r = service.audit(t.hosts(), t.requirements());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return new SectionResult.Error("audit", "interrupted");
                }
                dev.preflight.audit.PlanAudit.record(ctx.ledger(), t.environment(), r);
                hosts += r.hosts().size();
                worst = Math.max(worst, r.exitCode());
                for (var h : r.hosts()) {
                    String who = h.host().environment() + "/" + h.host().name();
                    if (h.unreachable() != null) {
                        reasons.add(who + " unreachable: " + h.unreachable());
                    }
                    for (var c : h.checks()) {
                        if (c instanceof dev.preflight.audit.AuditModel.Check.Failed f) {
                            reasons.add(who + ": " + c.requirement().label() + ": " + f.reason());
                        } else if (c instanceof dev.preflight.audit.AuditModel.Check.ProbeError e) {
                            reasons.add(who + ": " + c.requirement().label() + ": " + e.reason());
                        }
                    }
                }
            }
            String summary = hosts + " host(s) in " + targets.size() + " environment(s)";
            if (worst == 0) {
                return new SectionResult.Passed("audit", "every requirement holds on " + summary);
            }
            return worst == 1 ? new SectionResult.Failed("audit", "requirements fail on " + summary, reasons)
                    : new SectionResult.Failed("audit", "not every host could be checked (" + summary + ")", reasons);
        }
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
