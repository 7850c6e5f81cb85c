package dev.preflight.gates;

import dev.preflight.core.PreflightException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.plan.Plan;
import dev.preflight.run.Expected;
import dev.preflight.run.RunContext;
import dev.preflight.run.Section;
import dev.preflight.run.SectionResult;
import java.time.Duration;
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

    /** Every configured gate passed in the newest gates check of the window's ticket. */
    @Override
    public List<Expected> expectations(Plan plan, Duration maxAge) {
        String subject = GateService.subject(plan);
        GatesPlan g = plan.section("gates", GatesPlan.class).orElse(null);
        List<String> gates = new ArrayList<>();
        if (g != null) {
            if (g.cab() != null) {
                gates.add("cab");
            }
            if (g.oncall() != null) {
                gates.add("oncall");
            }
            if (g.notice() != null) {
                gates.add("notice");
            }
            g.custom().forEach(c -> gates.add(c.name()));
        }
        if (gates.isEmpty()) {
            return List.of(Expected.latest(name(), GateService.KIND_CHECK, subject, maxAge, "preflight gates check"));
        }
        return gates.stream().map(n -> new Expected(name(), GateService.KIND_CHECK, subject, "gate " + n, maxAge,
                "preflight gates check", ledger -> ledger.latest(GateService.KIND_CHECK, subject)
                        .map(e -> gate(e, n)))).toList();
    }

    private static Expected.Found gate(LedgerEntry e, String gate) {
        for (JsonNode r : Expected.payload(e).path("results")) {
            if (gate.equals(r.path("name").asText())) {
                return r.path("passed").asBoolean(false) ? new Expected.Found(e, Expected.Status.PASSED, null)
                        : new Expected.Found(e, Expected.Status.FAILED, "gate " + gate + " failed: "
                        + r.path("reason").asText());
            }
        }
        return new Expected.Found(e, Expected.Status.FAILED, e.outcome().isGood() ? "gate " + gate + " was not checked"
                : e.summary());
    }
}
