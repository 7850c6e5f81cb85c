package dev.preflight.cutover;

import dev.preflight.ledger.LedgerQuery;
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

    /**
     * The cutover environment found ready (driver, state, failback drill) by {@code preflight run} of
     * this project: another project sharing the ledger and naming an environment alike checked its own
     * cutover, and a check that names no project (an older version's) cannot be shown to be this one's.
     */
    @Override
    public List<Expected> expectations(Plan plan, Duration maxAge) {
        String project = plan.project().name();
        String env = plan.section("cutover", CutoverPlan.class).map(CutoverPlan::environment).orElse(project);
        Expected.Judge judge = (l, e) -> {
            if (!CutoverEvidence.READINESS.equals(e.kind())) {
                return null;
            }
            String owner = CutoverEvidence.project(e);
            if (owner == null) {
                return e.outcome().isGood() ? new Expected.Found(e, Expected.Status.OUTDATED,
                        "it names no project (recorded by an older version), so it cannot be shown to be "
                                + project + "'s: run preflight run again") : Expected.Found.of(e);
            }
            return owner.equals(project) ? Expected.Found.of(e)
                    : new Expected.Found(e, Expected.Status.FAILED, "it checked project " + owner + "'s cutover");
        };
        // The newest check of this project speaks: another project's, newer, is about its own cutover.
        Expected.Finder finder = l -> l.query(new LedgerQuery(CutoverEvidence.READINESS, env, null, 0, true)).stream()
                .filter(e -> {
                    String owner = CutoverEvidence.project(e);
                    return owner == null || owner.equals(project);
                })
                .findFirst().map(e -> judge.judge(l, e));
        return List.of(new Expected(name(), CutoverEvidence.READINESS, env, null, maxAge, "preflight run", finder, judge));
    }
}
