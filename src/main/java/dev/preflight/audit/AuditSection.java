package dev.preflight.audit;

import dev.preflight.run.RunContext;
import dev.preflight.run.Section;
import dev.preflight.run.SectionResult;
import dev.preflight.plan.Plan;
import dev.preflight.run.Expected;
import java.time.Duration;
import java.util.List;

/** The compatibility audit as a section of {@code preflight run} (runbook §3.1). */
public final class AuditSection implements Section {
    @Override
    public String name() {
        return "audit";
    }

    @Override
    public boolean configured(RunContext c) {
        return AuditPlan.of(c.plan()).any();
    }

    @Override
    public SectionResult run(RunContext ctx) {
        if (PlanAudit.targets(ctx.plan(), null).isEmpty()) {
            return new SectionResult.Failed("audit", "requirements are configured but no environment has hosts",
                    List.of("add hosts to an environment"));
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

    /**
     * An audit of every environment that has hosts and requirements, covering each of its hosts.
     * Requirements without any host to check are evidence nobody can record: one expectation per
     * environment (or the project) that stays missing.
     */
    @Override
    public List<Expected> expectations(Plan plan, Duration maxAge) {
        AuditPlan audit = AuditPlan.of(plan);
        List<Plan.Environment> audited = plan.environments().stream().filter(e -> !e.hosts().isEmpty()
                && audit.covers(e)).toList();
        if (audited.isEmpty()) {
            List<String> subjects = plan.environments().isEmpty() ? List.of(plan.project().name())
                    : plan.environments().stream().map(Plan.Environment::name).toList();
            return subjects.stream().map(s -> Expected.latest("audit", "audit", s, maxAge,
                    "preflight audit, after adding hosts to the environment")).toList();
        }
        return audited.stream().map(e -> Expected.covering("audit", "audit", e.name(), null, maxAge,
                "preflight audit --env " + e.name(), p -> p.path("hosts").asInt(0) >= e.hosts().size() ? null
                        : "it checked " + p.path("hosts").asInt(0) + " host(s); the plan's " + e.name() + " has "
                        + e.hosts().size())).toList();
    }
}
