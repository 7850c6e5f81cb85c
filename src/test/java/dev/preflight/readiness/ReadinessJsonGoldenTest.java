package dev.preflight.readiness;

import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.Outcome;
import dev.preflight.report.Format;
import dev.preflight.report.Style;
import dev.preflight.run.Expected;
import dev.preflight.run.SectionResult;
import dev.preflight.testing.Golden;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Pins the readiness JSON on a fixed verdict with what the end-to-end golden
 * ({@code readiness/verdict.json}) never shows: sign-offs (current, with evidence since, void), a
 * section that erred or is not configured, an expectation with no entry, a reason without an
 * entry and a broken chain.
 */
class ReadinessJsonGoldenTest {
    private static final Instant AT = Instant.parse("2027-01-06T10:00:00Z");

    private static LedgerEntry entry(long seq, String kind, String subject, Outcome outcome, String summary) {
        return new LedgerEntry(seq, "id-" + seq, AT.plusSeconds(seq * 60), "ops@bastion", kind, subject, outcome,
                summary, "{}", List.of(), "prev-" + seq, "hash-" + seq);
    }

    private static Expected expected(String section, String kind, String subject, String aspect, Duration maxAge) {
        return new Expected(section, kind, subject, aspect, maxAge, "preflight " + kind, l -> Optional.empty());
    }

    static Readiness readiness() {
        LedgerEntry audit = entry(3, "audit", "staging", Outcome.PASSED, "1 host(s), 0 failure(s)");
        LedgerEntry deps = entry(5, "deps", "academy", Outcome.FAILED, "BLOCKED: 2 blocker(s)");
        LedgerEntry backup = entry(6, "backup", "academy-db", Outcome.PASSED, "backup of academy-db");
        LedgerEntry signA = entry(2, "sign-off", "academy", Outcome.PASSED, "GO signed off by ana (ops)");
        LedgerEntry signB = entry(4, "sign-off", "academy", Outcome.PASSED, "GO signed off by ben (qa)");
        LedgerEntry signC = entry(7, "sign-off", "academy", Outcome.PASSED, "GO signed off by cy (cab)");
        List<SectionResult> results = List.of(
                new SectionResult.Passed("audit", "1 host(s) audited"),
                new SectionResult.Failed("deps", "BLOCKED", List.of("2 blocker(s)", "a \"quoted\" reason")),
                new SectionResult.Error("backups", "lock held: pid 42"),
                new SectionResult.NotConfigured("flags", "no flags section in the plan"));
        List<GoNoGo.Check> checks = List.of(
                new GoNoGo.Check(expected("audit", "audit", "staging", null, Duration.ofDays(7)), GoNoGo.State.FRESH,
                        audit, "audit staging: passed #3"),
                new GoNoGo.Check(expected("deps", "deps", "academy", "lock files in app", Duration.ofHours(24)),
                        GoNoGo.State.FAILING, deps, "deps academy failed"),
                new GoNoGo.Check(expected("backups", "backup", "academy-db", "copy in onprem", Duration.ofMinutes(90)),
                        GoNoGo.State.STALE, backup, "backup academy-db is 2h old"),
                new GoNoGo.Check(expected("gates", "gates", "ACAD-1", "gate cab", Duration.ofHours(1)),
                        GoNoGo.State.MISSING, null, "gates ACAD-1: none recorded"));
        List<GoNoGo.SignOff> signOffs = List.of(
                new GoNoGo.SignOff(signA, "ana", "ops", 1, "head-1", List.of(audit, deps), List.of(deps)),
                new GoNoGo.SignOff(signB, "ben", "qa", 0, null, List.of(backup), List.of()),
                new GoNoGo.SignOff(signC, "cy", "cab", 6, "head-6", List.of(), List.of()));
        List<GoNoGo.Reason> reasons = List.of(
                new GoNoGo.Reason("deps", "deps", "academy", 5, "deps academy failed"),
                new GoNoGo.Reason("gates", "gates", "ACAD-1", 0, "gates ACAD-1: none recorded"),
                new GoNoGo.Reason("ledger", "ledger", "chain", 0, "the chain breaks at #4"));
        GoNoGo verdict = new GoNoGo(new GoNoGo.Chain(false, 7, 7, "hash-7", "hash mismatch at #4"), checks, List.of(),
                signOffs, reasons, AT);
        return new Readiness(results, verdict, 8, "hash-8");
    }

    @Test
    void jsonIsPinned() {
        Golden.exact().check("readiness/verdict-signoffs.json",
                ReadinessReport.render(readiness(), "academy", Format.JSON, Style.PLAIN));
    }
}
