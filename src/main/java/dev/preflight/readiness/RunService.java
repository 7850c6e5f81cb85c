package dev.preflight.readiness;

import com.fasterxml.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.preflight.core.Errors;
import dev.preflight.core.ExitCode;
import dev.preflight.core.PreflightException;
import dev.preflight.ledger.EvidenceKind;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import dev.preflight.report.Visible;
import dev.preflight.run.Expected;
import dev.preflight.run.RunContext;
import dev.preflight.run.Section;
import dev.preflight.run.SectionResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Executes sections in the runbook's order, records each, then asks the {@link GoNoGo} and
 * records it. The verdict is never derived from the section results: a section records its
 * evidence, and one that did not pass but left no failing evidence for a subject it covers gets a
 * failed entry written for it here, so the verdict (which reads only the ledger) sees the failure.
 * Sections are given by the caller so that capabilities can be added without this class knowing them.
 */
public final class RunService {
    private final List<Section> execute;
    private final List<Section> judge;
    private final String entryKind;

    /** Executes and judges the same sections, recording the verdict as kind {@code run}. */
    public RunService(List<Section> sections) {
        this(sections, sections, EvidenceKind.RUN.id());
    }

    /**
     * @param execute   the sections to execute before deciding ({@code readiness} re-checks only
     *                  the ledger, the gates and the risks)
     * @param judge     every section of the runbook: the configured ones say what evidence they expect
     * @param entryKind the ledger kind of the verdict entry ({@code run}, {@code readiness})
     */
    public RunService(List<Section> execute, List<Section> judge, String entryKind) {
        this.execute = List.copyOf(execute);
        this.judge = List.copyOf(judge);
        this.entryKind = entryKind;
    }

    public Readiness run(RunContext ctx) {
        return run(ctx, null);
    }

    /**
     * As {@link #run(RunContext)}; {@code signing} ({@code by}, {@code role}) is a sign-off about
     * to be given, whose signer's earlier sign-offs it replaces.
     */
    public Readiness run(RunContext ctx, String[] signing) {
        List<SectionResult> results = new ArrayList<>();
        List<SectionResult> unrecorded = new ArrayList<>();
        for (Section s : execute) {
            SectionResult r;
            if (!s.configured(ctx)) {
                r = new SectionResult.NotConfigured(s.name(), "not configured in the plan");
            } else {
                ctx.progress().println("==> " + s.name());
                ctx.progress().flush();
                long before;
                try {
                    before = ctx.ledger().head().map(LedgerEntry::seq).orElse(0L);
                } catch (PreflightException e) {
                    // The newest row is not an entry: nothing recorded from here on can be told from what was.
                    before = Long.MAX_VALUE;
                }
                try {
                    r = s.run(ctx);
                } catch (RuntimeException e) {
                    // A crashing section must not take the verdict with it: it is an error, recorded below.
                    r = new SectionResult.Error(s.name(), "section crashed: " + Errors.describe(e));
                }
                if (!(r instanceof SectionResult.Passed)) {
                    // A failure such a re-check reports it recorded first; an error may have recorded nothing.
                    if (r instanceof SectionResult.Error && expectsNothing(ctx, s)) {
                        unrecorded.add(r);
                    }
                    try {
                        leaveFailedEvidence(ctx, s, r, before);
                    } catch (PreflightException e) {
                        // A stored row that is not an entry: the verdict names it and is NO-GO on the chain.
                        if (e.exitCode() != ExitCode.UNEXPECTED_STATE) {
                            throw e;
                        }
                    }
                }
                ctx.progress().println("    " + r.label() + ": " + Visible.line(r.summary()));
                ctx.progress().flush();
            }
            results.add(r);
        }
        GoNoGo v = GoNoGo.decide(ctx, judge, signing, unrecorded);
        VerdictPayload payload = new VerdictPayload(v.go() ? "GO" : "NO-GO", v.lines(),
                results.stream().map(r -> new SectionLine(r.section(), r.label(), r.summary())).toList(),
                v.chain().headSeq(), v.chain().headHash());
        LedgerEntry entry = ctx.ledger().append(NewEntry.of(entryKind, ctx.plan().project().name(),
                v.go() ? Outcome.PASSED : Outcome.FAILED,
                v.go() ? "GO" : "NO-GO: " + v.reasons().size() + " reason(s)", payload));
        return new Readiness(results, v, entry.seq(), entry.hash());
    }

    /** Whether a section expects no evidence of its own (a re-check recorded under another section's), or cannot say. */
    private static boolean expectsNothing(RunContext ctx, Section s) {
        try {
            return s.expectations(ctx.plan(), Duration.ofHours(24)).isEmpty();
        } catch (RuntimeException e) {
            return true;
        }
    }

    /**
     * The payload of the verdict entry ({@code run}, {@code readiness}): the verdict, one line per
     * reason, what each executed section did, and the ledger head the verdict was judged at. Stored
     * as canonical JSON (keys sorted), the same bytes the map it replaced wrote.
     */
    @JsonNaming(SnakeCaseStrategy.class)
    record VerdictPayload(String verdict, List<String> reasons, List<SectionLine> sections, long evaluatedHeadSeq,
                          String evaluatedHead) {
    }

    /** One executed section in a {@link VerdictPayload}: its name, result label and summary. */
    record SectionLine(String section, String result, String summary) {
    }

    /**
     * The payload of the error entry written for a section that did not pass yet left no failing
     * evidence of a subject it covers: the section, its result label, summary and reasons.
     */
    record FailedSectionPayload(String section, String result, String summary, List<String> reasons) {
    }

    /**
     * A section that did not pass must leave failing evidence: for every subject it covers that it
     * recorded nothing about, an error entry of the expected kind. If it recorded only passing
     * evidence yet did not pass, its evidence does not speak for it, and every subject gets one.
     */
    static void leaveFailedEvidence(RunContext ctx, Section s, SectionResult r, long before) {
        List<Expected> expected;
        try {
            expected = s.expectations(ctx.plan(), Duration.ofHours(24));
        } catch (RuntimeException e) {
            return; // the verdict asks again and reports it
        }
        Set<String> unrecorded = new LinkedHashSet<>();
        Set<String> all = new LinkedHashSet<>();
        boolean anyBad = false;
        for (Expected e : expected) {
            String key = e.kind() + "\n" + e.subject();
            all.add(key);
            LedgerEntry last = ctx.ledger().latest(e.kind(), e.subject()).orElse(null);
            if (last == null || last.seq() <= before) {
                unrecorded.add(key);
            } else if (!last.outcome().isGood()) {
                anyBad = true;
            }
        }
        Set<String> mark = !unrecorded.isEmpty() ? unrecorded : anyBad ? Set.of() : all;
        List<String> reasons = r instanceof SectionResult.Failed f ? f.reasons() : List.of();
        for (String key : mark) {
            String[] ks = key.split("\n", 2);
            FailedSectionPayload p = new FailedSectionPayload(s.name(), r.label(), r.summary(), reasons);
            ctx.ledger().append(NewEntry.of(ks[0], ks[1], Outcome.ERROR, s.name() + " "
                    + r.label().toLowerCase(Locale.ROOT) + ": " + r.summary() + (unrecorded.isEmpty() ? ""
                    : " (no " + ks[0] + " evidence of " + ks[1] + " was recorded)"), p));
        }
    }
}
