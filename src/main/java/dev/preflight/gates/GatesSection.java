package dev.preflight.gates;

import dev.preflight.core.PreflightException;
import dev.preflight.core.Verdict;
import dev.preflight.plan.Plan;
import dev.preflight.run.Expected;
import dev.preflight.run.RunContext;
import dev.preflight.run.Section;
import dev.preflight.run.SectionResult;
import java.time.Duration;
import java.util.List;

/** The change-control gates as a section of {@code preflight run} (runbook §4.3): {@code gates check}. */
public final class GatesSection implements Section {
    private final List<Section> owners;

    /** Custom gates judge evidence by outcome and age alone. */
    public GatesSection() {
        this(List.of());
    }

    /** Custom gates ask {@code owners} (the runbook's evidence sections) whether a passed entry still covers the plan. */
    public GatesSection(List<Section> owners) {
        this.owners = List.copyOf(owners);
    }

    @Override
    public String name() {
        return "gates";
    }

    @Override
    public boolean configured(RunContext c) {
        return GatesContext.configured(c.plan());
    }

    @Override
    public SectionResult run(RunContext ctx) {
        try {
            GatesChecked r = new GatesCheck(GatesContext.of(ctx, owners)).run();
            return SectionResult.of(name(), r.verdict(), r.summary(), r.failures());
        } catch (PreflightException e) {
            // A plan whose gates cannot be checked (no window, an empty token) fails the gates: NO-GO, not an outage.
            return SectionResult.of(name(), Verdict.FAILED, "the gates could not be checked: " + e.getMessage(),
                    e.hint() == null ? List.of() : List.of(e.hint()));
        }
    }

    /** Every configured gate passed in the newest gates check of the window's ticket. */
    @Override
    public List<Expected> expectations(Plan plan, Duration maxAge) {
        return GatesEvidence.expectations(name(), plan, maxAge);
    }
}
