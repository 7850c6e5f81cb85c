package dev.preflight.risk;

import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import dev.preflight.plan.Plan;
import dev.preflight.run.Expected;
import dev.preflight.run.RunContext;
import dev.preflight.run.Section;
import dev.preflight.run.SectionResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The risk register as a section of {@code preflight run} and {@code readiness}: runs last, so the
 * evidence the other sections just recorded counts. Passes only when every risk is Mitigated.
 */
public final class RiskSection implements Section {
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
        RiskPlan plan = ctx.plan().section("risks", RiskPlan.class).orElseThrow();
        List<RiskResult> results = new RiskService(ctx.ledger(), ctx.clock()).assess(plan);
        record(ctx, results);
        long mitigated = results.stream().filter(r -> r.status() == RiskResult.Status.MITIGATED).count();
        String summary = mitigated + " of " + results.size() + " risk(s) mitigated by fresh evidence";
        if (mitigated == results.size() && !results.isEmpty()) {
            return new SectionResult.Passed("risks", summary);
        }
        List<String> reasons = new ArrayList<>();
        for (RiskResult r : results) {
            if (r.status() != RiskResult.Status.MITIGATED) {
                r.reasons().forEach(x -> reasons.add(r.risk().name() + " " + r.status().label() + ": " + x));
            }
        }
        return new SectionResult.Failed("risks", summary, reasons);
    }

    /** Each assessment is evidence too: what was known, when. */
    public static void record(RunContext ctx, List<RiskResult> results) {
        boolean all = results.stream().allMatch(r -> r.status() == RiskResult.Status.MITIGATED);
        ctx.ledger().append(NewEntry.of("risks", ctx.plan().project().name(), all ? Outcome.PASSED : Outcome.FAILED,
                results.stream().map(r -> r.risk().name() + "=" + r.status().label()).reduce((a, b) -> a + ", " + b)
                        .orElse("no risks"), Map.of("risks", RiskReports.json(results))));
    }

    /** None: the verdict assesses the register itself, every control for every subject it covers. */
    @Override
    public List<Expected> expectations(Plan plan, Duration maxAge) {
        return List.of();
    }
}
