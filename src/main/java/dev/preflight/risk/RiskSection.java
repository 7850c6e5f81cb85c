package dev.preflight.risk;

import dev.preflight.core.Verdict;
import dev.preflight.plan.Plan;
import dev.preflight.run.Expected;
import dev.preflight.run.RunContext;
import dev.preflight.run.Section;
import dev.preflight.run.SectionResult;
import java.time.Duration;
import java.util.List;

/**
 * The risk register as a section of {@code preflight run} and {@code readiness}: runs last, so the
 * evidence the other sections just recorded counts. Passes only when every risk is Mitigated.
 */
public final class RiskSection implements Section {
    private final List<Section> owners;

    /** @param owners the runbook's other sections, whose expectations judge a control's evidence */
    public RiskSection(List<Section> owners) {
        this.owners = List.copyOf(owners);
    }

    @Override
    public String name() {
        return "risks";
    }

    @Override
    public boolean configured(RunContext c) {
        return c.plan().section("risks", RiskPlan.class).isPresent();
    }

    @Override
    public SectionResult run(RunContext ctx) {
        RiskAssessment a = new RiskAssess(RiskContext.of(ctx, owners)).run();
        // An empty register mitigates nothing: the command passes it, but the run does not count it as verified.
        return SectionResult.of(name(), a.risks().isEmpty() ? Verdict.FAILED : a.verdict(), a.summary(), a.reasons());
    }

    /** None: the verdict assesses the register itself, every control for every subject it covers. */
    @Override
    public List<Expected> expectations(Plan plan, Duration maxAge) {
        return List.of();
    }
}
