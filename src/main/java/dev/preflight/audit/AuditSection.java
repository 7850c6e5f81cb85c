package dev.preflight.audit;

import dev.preflight.run.RunContext;
import dev.preflight.run.Section;
import dev.preflight.run.SectionResult;
import java.time.Duration;

/** The compatibility audit as a section of {@code preflight run} (runbook §3.1). */
public final class AuditSection implements Section {
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
        if (PlanAudit.targets(ctx.plan(), null).isEmpty()) {
            return new SectionResult.Failed("audit", "requirements are configured but no environment has hosts",
                    java.util.List.of("add hosts to an environment"));
        }
        AuditModel.Report r;
        try {
            r = PlanAudit.run(ctx.plan(), null, new PlanAudit.Settings(32, Duration.ofSeconds(60), ctx.clock()),
                    ctx.ledger());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new SectionResult.Error("audit", "interrupted");
        }
        String summary = r.hosts().size() + " host(s)";
        return switch (r.exitCode()) {
            case 0 -> new SectionResult.Passed("audit", "every requirement holds on " + summary
                    + (r.warnings() > 0 ? " (" + r.warnings() + " waived failure(s))" : ""));
            case 1 -> new SectionResult.Failed("audit", "requirements fail on " + summary, PlanAudit.reasons(r));
            default -> new SectionResult.Failed("audit", "not every host could be checked (" + summary + ")",
                    PlanAudit.reasons(r));
        };
    }
}
