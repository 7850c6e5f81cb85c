package dev.preflight.gates;

import dev.preflight.core.PreflightException;
import dev.preflight.run.RunContext;
import dev.preflight.run.Section;
import dev.preflight.run.SectionResult;
import java.util.ArrayList;
import java.util.List;

/** The change-control gates as a section of {@code preflight run} (runbook §4.3). */
public final class GatesSection implements Section {
    @Override
    public String name() {
        return "gates";
    }

    @Override
    public boolean configured(RunContext c) {
        return GateService.configured(c.plan());
    }

    @Override
    public SectionResult run(RunContext ctx) {
        List<GateResult> results;
        try {
            results = GateService.check(ctx.plan(), ctx.ledger(), ctx.clock());
        } catch (PreflightException e) {
            return new SectionResult.Failed("gates", "the gates could not be checked: " + e.getMessage(),
                    e.hint() == null ? List.of() : List.of(e.hint()));
        }
        long passed = results.stream().filter(GateResult::passed).count();
        if (passed == results.size()) {
            return new SectionResult.Passed("gates", "all " + passed + " gate(s) passed: "
                    + String.join(", ", results.stream().map(GateResult::name).toList()));
        }
        List<String> reasons = new ArrayList<>();
        results.stream().filter(r -> !r.passed()).forEach(r -> reasons.add(r.name() + ": " + r.reason()));
        return new SectionResult.Failed("gates", (results.size() - passed) + " of " + results.size() + " gate(s) failed",
                reasons);
    }
}
