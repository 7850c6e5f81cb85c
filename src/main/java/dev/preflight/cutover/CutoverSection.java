package dev.preflight.cutover;

import dev.preflight.plan.Plan;
import dev.preflight.run.Expected;
import dev.preflight.run.RunContext;
import dev.preflight.run.Section;
import dev.preflight.run.SectionResult;
import java.time.Duration;
import java.util.List;

/** The cutover's readiness ({@link CutoverReadiness}) as a section of {@code preflight run}; it never moves traffic. */
public final class CutoverSection implements Section {
    @Override
    public String name() {
        return "cutover";
    }

    @Override
    public boolean configured(RunContext c) {
        return c.plan().configures("cutover");
    }

    @Override
    public SectionResult run(RunContext ctx) {
        CutoverPlan cp = ctx.plan().section("cutover", CutoverPlan.class).orElse(null);
        if (cp == null) {
            return new SectionResult.Error("cutover", "the cutover section was not read");
        }
        CutoverReadiness r = CutoverReadiness.check(cp, ctx.ledger());
        return SectionResult.of(name(), r.verdict(), r.summary(), r.problems());
    }

    /** The cutover environment found ready (driver, state, failback drill) by {@code preflight run}. */
    @Override
    public List<Expected> expectations(Plan plan, Duration maxAge) {
        String env = plan.section("cutover", CutoverPlan.class).map(CutoverPlan::environment)
                .orElse(plan.project().name());
        return List.of(Expected.latest(name(), CutoverEvidence.READINESS, env, maxAge, "preflight run"));
    }
}
