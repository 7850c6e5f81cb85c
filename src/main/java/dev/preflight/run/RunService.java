package dev.preflight.run;

import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import dev.preflight.ledger.VerifyResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs every section the plan configures, in the runbook's order, records each, and derives the
 * readiness verdict. Sections are given in order by the caller so that capabilities can be added
 * without this class knowing them.
 */
public final class RunService {
    private final List<Section> sections;
    private final String entryKind;
    private final java.util.Set<String> required;

    public RunService(List<Section> sections) {
        this(sections, "run", java.util.Set.of());
    }

    /**
     * @param entryKind the ledger kind of the verdict entry ({@code run}, {@code readiness})
     * @param required  sections whose absence from the plan is itself a NO-GO reason
     */
    public RunService(List<Section> sections, String entryKind, java.util.Set<String> required) {
        this.sections = List.copyOf(sections);
        this.entryKind = entryKind;
        this.required = java.util.Set.copyOf(required);
    }

    public Readiness run(RunContext ctx) {
        List<SectionResult> results = new ArrayList<>();
        for (Section s : sections) {
            SectionResult r;
            if (!s.configured(ctx)) {
                r = new SectionResult.NotConfigured(s.name(), "not configured in the plan");
            } else {
                ctx.progress().println("==> " + s.name());
                ctx.progress().flush();
                try {
                    r = s.run(ctx);
                } catch (RuntimeException e) {
                    // A crashing section must not take the verdict with it: it is an error, recorded.
                    r = new SectionResult.Error(s.name(), "section crashed: " + dev.preflight.core.Errors.describe(e));
                    ctx.ledger().append(NewEntry.of(s.name(), "run", Outcome.ERROR, r.summary(), Map.of()));
                }
                ctx.progress().println("    " + r.label() + ": " + r.summary());
                ctx.progress().flush();
            }
            results.add(r);
        }
        VerifyResult v = ctx.ledger().verify();
        String problem = v instanceof VerifyResult.Broken b
                ? "first bad entry #" + b.firstBadSeq() + ": " + b.reason() : null;
        Readiness pre = Readiness.of(results, v.intact(), null, problem, required);
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("verdict", pre.go() ? "GO" : "NO-GO");
        payload.put("reasons", pre.reasons());
        List<Map<String, String>> rs = new ArrayList<>();
        for (SectionResult r : results) {
            rs.add(Map.of("section", r.section(), "result", r.label(), "summary", r.summary()));
        }
        payload.put("sections", rs);
        var entry = ctx.ledger().append(NewEntry.of(entryKind, ctx.plan().project().name(),
                pre.go() ? Outcome.PASSED : Outcome.FAILED,
                pre.go() ? "GO" : "NO-GO: " + pre.reasons().size() + " reason(s)", payload));
        return new Readiness(results, pre.ledgerIntact(), entry.hash(), pre.reasons());
    }
}
