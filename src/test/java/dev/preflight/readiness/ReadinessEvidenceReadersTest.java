package dev.preflight.readiness;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.audit.AuditEvidence;
import dev.preflight.backup.BackupEvidence;
import dev.preflight.core.Json;
import dev.preflight.deps.DepsEvidence;
import dev.preflight.deps.DepsReport;
import dev.preflight.deps.DepsResult;
import dev.preflight.flags.FlagsEvidence;
import dev.preflight.gates.GateResult;
import dev.preflight.gates.GatesEvidence;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.Outcome;
import dev.preflight.restore.RestoreEvidence;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The owners' readers the readiness page reads other capabilities' evidence with: what the owner
 * wrote comes back as its record, and what cannot be read is an empty record, never an exception.
 */
class ReadinessEvidenceReadersTest {
    private static LedgerEntry entry(String payload) {
        return new LedgerEntry(1, "id", Instant.EPOCH, "me", GatesEvidence.CHECK, "t", Outcome.PASSED, "s", payload,
                List.of(), "p", "h");
    }

    @Test
    void aGatesCheckReadsAsItsResultsAndAnUnreadableOneAsNone() {
        assertThat(GatesEvidence.checkResults(entry("""
                {"results":[{"name":"cab","passed":true,"reason":"ok","details":["a"]},{"name":"oncall","reason":"r"}]}""")))
                .containsExactly(new GateResult("cab", true, "ok", List.of("a")), new GateResult("oncall", false, "r", List.of()));
        assertThat(GatesEvidence.checkResults(entry("not json"))).isEmpty();
        assertThat(GatesEvidence.checkResults(entry("[1]"))).isEmpty();
    }

    @Test
    void aDepsReviewReadsBackWhatTheReviewAttached() {
        DepsResult.Finding f = new DepsResult.Finding(DepsResult.Severity.BLOCKER, "composer", "php", "a/b", null,
                "php 8.3.*", List.of("root", "a/b 1.0"), true, "m", null);
        DepsResult r = new DepsResult("dir", Map.of("php", "8.3.*"), List.of(f), List.of("n"), List.of(), List.of());
        DepsReport.ReviewJson back = DepsEvidence.review(Json.parse(DepsReport.REVIEW.json(r)));
        assertThat(back.findings()).containsExactly(f);
        assertThat(back.targets()).containsExactly(Map.entry("php", "8.3.*"));
        assertThat(DepsEvidence.review(Json.parse("{\"findings\":[{\"severity\":\"blocker\",\"extra\":1}]}")).findings())
                .extracting(DepsResult.Finding::severity).containsExactly(DepsResult.Severity.BLOCKER);
        assertThat(DepsEvidence.review(Json.parse("{\"targets\":[1,2]}")).findings()).isEmpty();
        assertThat(DepsEvidence.review(null).targets()).isEmpty();
    }

    @Test
    void theChartsReadABackupsSizeAndARestoreTestsTimeAndNothingFromWhatHasNone() {
        assertThat(BackupEvidence.size(entry("{\"source\":\"db\",\"size\":52428800,\"copies\":[]}")))
                .hasValue(52_428_800L);
        assertThat(BackupEvidence.size(entry("{\"source\":\"db\",\"failure\":\"disk full\"}"))).isEmpty();
        assertThat(BackupEvidence.size(entry("not json"))).isEmpty();
        assertThat(RestoreEvidence.restoreMs(entry("{\"source\":\"db\",\"restore_ms\":2100,\"checks\":[],\"extra\":1}")))
                .hasValue(2100L);
        assertThat(RestoreEvidence.restoreMs(entry("{\"source\":\"db\",\"restore_ms\":null}"))).isEmpty();
        assertThat(RestoreEvidence.restoreMs(entry("[1]"))).isEmpty();
        assertThat(RestoreEvidence.restoreMs(entry("not json"))).isEmpty();
    }

    @Test
    void anAuditOrAFlagsValidationThatCannotBeReadIsEmpty() {
        assertThat(AuditEvidence.report(Json.parse("{\"hosts\":[{\"host\":\"h\",\"unreachable\":\"down\"}]}")).hosts())
                .singleElement().satisfies(h -> {
                    assertThat(h.unreachable()).isEqualTo("down");
                    assertThat(h.checks()).isEmpty();
                });
        assertThat(AuditEvidence.report(Json.parse("{\"hosts\":\"many\"}")).hosts()).isEmpty();
        assertThat(AuditEvidence.report(Json.parse("[]")).hosts()).isEmpty();
        assertThat(FlagsEvidence.validation(Json.parse("{\"files\":[{\"environment\":\"e\",\"values\":{\"a\":true}}],"
                + "\"problems\":[{\"severity\":\"error\",\"message\":\"m\",\"line\":3}]}")).files())
                .singleElement().satisfies(f -> assertThat(f.values()).containsExactly(Map.entry("a", true)));
        assertThat(FlagsEvidence.validation(Json.parse("{\"files\":{}}")).files()).isEmpty();
        assertThat(FlagsEvidence.validation(null).problems()).isEmpty();
    }
}
