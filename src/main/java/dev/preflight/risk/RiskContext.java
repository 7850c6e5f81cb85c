package dev.preflight.risk;

import dev.preflight.core.PreflightException;
import dev.preflight.ledger.Ledger;
import dev.preflight.plan.Plan;
import dev.preflight.run.RunContext;
import java.time.Clock;

/**
 * What assessing the risk register works with, built once by the command or the run section: the
 * plan (its register, and the project the assessment is recorded about), the ledger the evidence is
 * read from and the assessment recorded in, and the clock evidence ages are measured by.
 */
public record RiskContext(Plan plan, Ledger ledger, Clock clock) {
    /** The context of the risks section of {@code preflight run} and {@code readiness}. */
    public static RiskContext of(RunContext run) {
        return new RiskContext(run.plan(), run.ledger(), run.clock());
    }

    /** The plan's risk register, or a configuration error (exit 2) when it has none. */
    public static RiskPlan register(Plan plan) {
        return plan.section("risks", RiskPlan.class).orElseThrow(() -> PreflightException.usage(
                "the plan has no 'risks' section", "add risks with controls, see docs/plan-reference.md"));
    }

    /** This plan's risk register, or a configuration error (exit 2) when it has none. */
    public RiskPlan register() {
        return register(plan);
    }

    /** The subject of the register's assessments: the project. */
    public String project() {
        return plan.project().name();
    }
}
