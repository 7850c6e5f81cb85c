package dev.preflight.cutover;

import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.LedgerQuery;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import dev.preflight.plan.Plan;
import dev.preflight.run.Expected;
import dev.preflight.run.RunContext;
import dev.preflight.run.Section;
import dev.preflight.run.SectionResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cutover's readiness as a section of {@code preflight run} (runbook §4.2). It never moves
 * traffic: it reports that the plan's cutover is valid, that its load-balancer driver exists, where
 * the current cutover stands, and whether a failback within the bound is on record (the runbook's
 * "blue stays warm for failback within 5 minutes" is a measured property, not a promise).
 */
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
        List<String> problems = new ArrayList<>();
        List<String> facts = new ArrayList<>();
        if (LoadBalancerDriver.find(cp.loadBalancer().type()) == null) {
            problems.add("no load balancer driver for type '" + cp.loadBalancer().type() + "'");
        } else {
            facts.add("load balancer " + cp.loadBalancer().type());
        }
        CutoverHistory h = CutoverHistory.read(ctx.ledger(), cp.environment());
        facts.add(cp.environment() + " is " + h.state().label());
        if (h.open() != null) {
            problems.add(cp.environment() + ": " + h.open().step().label() + " attempt " + h.open().number()
                    + " was interrupted; run 'preflight cutover resume'");
        } else if (!h.attempts().isEmpty() && !h.attempts().get(h.attempts().size() - 1).good()) {
            CutoverHistory.Attempt a = h.attempts().get(h.attempts().size() - 1);
            problems.add(cp.environment() + ": " + a.step().label() + " attempt " + a.number() + " " + a.outcome()
                    + ": " + a.summary());
        }
        LedgerEntry drill = null;
        for (LedgerEntry e : ctx.ledger().query(new LedgerQuery(CutoverEvidence.FAILBACK_DRILL, null, null, 0, true))) {
            if (e.outcome() == Outcome.PASSED) {
                drill = e;
                break;
            }
        }
        if (drill == null) {
            problems.add("no failback within the bound (" + CutoverReport.human(cp.failbackBound())
                    + ") is on record: run a cutover to switched and 'preflight cutover failback' (in staging) first");
        } else {
            facts.add("failback drill on record: " + drill.subject() + " " + drill.time() + " (" + drill.summary() + ")");
        }
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("state", h.state().label());
        p.put("facts", facts);
        p.put("problems", problems);
        ctx.ledger().append(NewEntry.of(CutoverEvidence.READINESS, cp.environment(), problems.isEmpty() ? Outcome.PASSED
                : Outcome.FAILED, String.join("; ", problems.isEmpty() ? facts : problems), p));
        return problems.isEmpty() ? new SectionResult.Passed("cutover", String.join("; ", facts))
                : new SectionResult.Failed("cutover", "cutover not ready (" + String.join("; ", facts) + ")", problems);
    }

    /** The cutover environment found ready (driver, state, failback drill) by {@code preflight run}. */
    @Override
    public List<Expected> expectations(Plan plan, Duration maxAge) {
        String env = plan.section("cutover", CutoverPlan.class).map(CutoverPlan::environment)
                .orElse(plan.project().name());
        return List.of(Expected.latest(name(), CutoverEvidence.READINESS, env, maxAge, "preflight run"));
    }
}
