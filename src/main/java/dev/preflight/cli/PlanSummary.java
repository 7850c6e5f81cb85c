package dev.preflight.cli;

import dev.preflight.plan.Plan;
import java.util.ArrayList;
import java.util.List;

/** Counts and section names of a plan, for {@code validate}'s one-line summary. */
final class PlanSummary {
    private PlanSummary() {
    }

    static List<String> configuredSections(Plan plan) {
        List<String> out = new ArrayList<>();
        if (plan.ledger() != null && plan.ledger().url() != null) {
            out.add("ledger");
        }
        if (!plan.environments().isEmpty()) {
            out.add("environments");
        }
        out.addAll(plan.sections());
        return out;
    }

    static int environmentCount(Plan plan) {
        return plan.environments().size();
    }

    static int hostCount(Plan plan) {
        return plan.environments().stream().mapToInt(e -> e.hosts().size()).sum();
    }
}
