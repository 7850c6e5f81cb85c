package dev.preflight.risk;

import dev.preflight.core.Verdict;
import java.util.ArrayList;
import java.util.List;

/**
 * The result of {@code risks}: every risk of the register with its status derived from the ledger
 * at one point in time, in the register's order.
 */
public record RiskAssessment(List<RiskResult> risks) {
    public RiskAssessment {
        risks = List.copyOf(risks);
    }

    /** How many risks have {@code status}. */
    public long count(RiskResult.Status status) {
        return risks.stream().filter(r -> r.status() == status).count();
    }

    /**
     * Passed when every risk is mitigated (a register without risks has none at risk), failed
     * otherwise: stale evidence is not a warning, the runbook counts only mitigated risks.
     */
    public Verdict verdict() {
        return count(RiskResult.Status.MITIGATED) == risks.size() ? Verdict.PASSED : Verdict.FAILED;
    }

    /** One line: how many of the risks fresh evidence mitigates. */
    public String summary() {
        return count(RiskResult.Status.MITIGATED) + " of " + risks.size() + " risk(s) mitigated by fresh evidence";
    }

    /** Each risk's status ({@code name=Status, ...}), or {@code no risks}: the summary of its ledger entry. */
    public String statuses() {
        return risks.stream().map(r -> r.risk().name() + "=" + r.status().label()).reduce((a, b) -> a + ", " + b)
                .orElse("no risks");
    }

    /** One line per control that is not fresh, of every risk that is not mitigated, for NO-GO reasons. */
    public List<String> reasons() {
        List<String> out = new ArrayList<>();
        for (RiskResult r : risks) {
            if (r.status() != RiskResult.Status.MITIGATED) {
                r.reasons().forEach(x -> out.add(r.risk().name() + " " + r.status().label() + ": " + x));
            }
        }
        return out;
    }
}
