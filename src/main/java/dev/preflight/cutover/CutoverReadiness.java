package dev.preflight.cutover;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.preflight.core.Verdict;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.LedgerQuery;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import dev.preflight.report.Durations;
import java.util.ArrayList;
import java.util.List;

/**
 * The cutover's readiness (runbook §4.2), recorded as {@link CutoverEvidence#READINESS}: the plan's
 * load-balancer driver exists, no attempt is interrupted or failed, and a failback within the bound
 * is on record (the runbook's "blue stays warm for failback within 5 minutes" is a measured
 * property, not a promise). It never moves traffic. Only the plan's own project's cutover and
 * drills count: two projects may share a ledger and name an environment alike.
 */
public record CutoverReadiness(String environment, String state, List<String> facts, List<String> problems) {
    public CutoverReadiness {
        facts = List.copyOf(facts);
        problems = List.copyOf(problems);
    }

    /** Checks and records the readiness of the plan's environment. */
    public static CutoverReadiness check(CutoverPlan cp, Ledger ledger) {
        List<String> problems = new ArrayList<>();
        List<String> facts = new ArrayList<>();
        if (LoadBalancerDriver.find(cp.loadBalancer().type()) == null) {
            problems.add("no load balancer driver for type '" + cp.loadBalancer().type() + "'");
        } else {
            facts.add("load balancer " + cp.loadBalancer().type());
        }
        CutoverHistory h = CutoverHistory.read(ledger, cp.environment(), cp.project());
        facts.add(h.state().of(cp.environment()));
        if (h.open() != null) {
            problems.add(cp.environment() + ": " + h.open().step().label() + " attempt " + h.open().number()
                    + " was interrupted; run 'preflight cutover resume'");
        } else if (!h.attempts().isEmpty() && !h.attempts().get(h.attempts().size() - 1).good()) {
            CutoverHistory.Attempt a = h.attempts().get(h.attempts().size() - 1);
            problems.add(cp.environment() + ": " + a.step().label() + " attempt " + a.number() + " " + a.outcome()
                    + ": " + a.summary());
        }
        // The newest drill speaks: a failback over the bound since is not outweighed by an older one within it.
        Drill found = newestDrill(ledger, cp.project());
        LedgerEntry drill = found.entry();
        if (drill != null && drill.outcome() != Outcome.PASSED) {
            problems.add("the newest failback drill #" + drill.seq() + " (" + drill.subject() + " " + drill.time() + ") "
                    + drill.outcome().label() + ": " + drill.summary() + "; an older drill within the bound does not count: "
                    + "drill the failback again");
        } else if (drill == null) {
            problems.add("no failback within the bound (" + Durations.compact(cp.failbackBound())
                    + ") is on record" + (found.unnamed() == 0 ? "" : " for project " + cp.project() + " ("
                    + found.unnamed() + " passed drill(s) that name no project, recorded by an older version, do not count)")
                    + ": run a cutover to switched and 'preflight cutover failback' (in staging) first");
        } else {
            facts.add("failback drill on record: " + drill.subject() + " " + drill.time() + " (" + drill.summary() + ")");
        }
        CutoverReadiness r = new CutoverReadiness(cp.environment(), h.state().label(), facts, problems);
        ledger.append(NewEntry.of(CutoverEvidence.READINESS, cp.environment(), Outcome.of(r.verdict()),
                String.join("; ", problems.isEmpty() ? facts : problems),
                new CutoverEvidence.ReadinessPayload(r.state(), facts, problems, cp.project())));
        return r;
    }

    /** The drill that speaks (null when none), and how many passed drills naming no project were passed over. */
    private record Drill(LedgerEntry entry, int unnamed) {
    }

    /**
     * The newest failback drill of {@code project}, in any environment (a drill runs in staging while
     * the plan's cutover is production's). Another project's drill is not this one's. A drill that
     * names no project (recorded before drills named it) cannot be shown to be this project's: it
     * speaks when it did not pass, so a failure is never skipped, and is passed over when it passed.
     */
    private static Drill newestDrill(Ledger ledger, String project) {
        int unnamed = 0;
        for (LedgerEntry e : ledger.query(new LedgerQuery(CutoverEvidence.FAILBACK_DRILL, null, null, 0, true))) {
            String owner = CutoverEvidence.project(e);
            if (owner == null && e.outcome() == Outcome.PASSED) {
                unnamed++;
            } else if (owner == null || owner.equals(project)) {
                return new Drill(e, unnamed);
            }
        }
        return new Drill(null, unnamed);
    }

    /** Passed when nothing stands in the way. */
    public Verdict verdict() {
        return problems.isEmpty() ? Verdict.PASSED : Verdict.FAILED;
    }

    /** One line for {@code preflight run}. */
    @JsonIgnore
    public String summary() {
        return problems.isEmpty() ? String.join("; ", facts) : "cutover not ready (" + String.join("; ", facts) + ")";
    }
}
