package dev.preflight.risk;

import dev.preflight.core.PreflightException;
import dev.preflight.ledger.Ledger;
import dev.preflight.plan.Plan;
import dev.preflight.run.RunContext;
import dev.preflight.run.Section;
import java.time.Clock;
import java.util.List;

/**
 * What assessing the risk register works with, built once by the command or the run section: the
 * plan (its register, and the project the assessment is recorded about), the ledger the evidence is
 * read from and the assessment recorded in, the clock evidence ages are measured by, and the
 * sections that own the evidence: a control's newest entry is judged by its owner's expectation
 * (does it still vouch for the plan and files as they are now?), never by a copy of it.
 *
 * @param owners the runbook's sections ({@code run.EvidenceJudge}); empty: entries are judged by outcome and age only
 */
public record RiskContext(Plan plan, Ledger ledger, Clock clock, List<Section> owners) {
    public RiskContext {
        owners = List.copyOf(owners);
    }

    /** The context of the risks section of {@code preflight run} and {@code readiness}. */
    public static RiskContext of(RunContext run, List<Section> owners) {
        return new RiskContext(run.plan(), run.ledger(), run.clock(), owners);
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
