package dev.preflight.readiness;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.audit.AuditEvidence;
import dev.preflight.audit.AuditReport.Doc;
import dev.preflight.core.Json;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.Outcome;
import dev.preflight.report.EvidenceDigest;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The audit part of the readiness page from the typed audit report ({@link AuditEvidence#report}):
 * one column per requirement in the order first checked, one row per host, the last check of a
 * requirement shown, an unreachable host's cells said so, and a report that was not attached
 * replaced by the entry's summary.
 */
class HtmlSectionsTest {
    private static LedgerEntry entry(long seq, String subject) {
        return new LedgerEntry(seq, "id" + seq, Instant.parse("2026-11-20T09:00:00Z"), "me", AuditEvidence.KIND, subject,
                Outcome.FAILED, "2 host(s), 1 failure(s)", "{}", List.of(), "p", "h");
    }

    private static HtmlReport.Evidence evidence(Map<String, EvidenceDigest.Attached<Doc>> audits) {
        return new HtmlReport.Evidence(new EvidenceDigest(Map.of(), null, "test", 0, null, null, null, null), audits, Map.of(),
                null);
    }

    @Test
    void theAuditMatrixHasOneColumnPerRequirementAndOneRowPerHost() {
        String report = """
                {"hosts": [
                  {"environment": "prod", "host": "a", "unreachable": null, "checks": [
                    {"requirement": "php >=8.2", "result": "passed", "found": "8.3.6"},
                    {"requirement": "node 20.*", "result": "failed", "found": "18.20.4", "reason": "too old"}]},
                  {"environment": "prod", "host": "b", "unreachable": "ssh: connection refused", "checks": []},
                  {"environment": "prod", "host": "c", "checks": [
                    {"requirement": "node 20.*", "result": "failed", "found": ""},
                    {"requirement": "node 20.*", "result": "waived", "found": "18.1"}]}]}""";
        Map<String, EvidenceDigest.Attached<Doc>> audits = new LinkedHashMap<>();
        audits.put("prod", new EvidenceDigest.Attached<>(entry(7, "prod"), AuditEvidence.report(Json.parse(report))));
        audits.put("staging", new EvidenceDigest.Attached<>(entry(3, "staging"), null));
        StringBuilder b = new StringBuilder();
        HtmlSections.audit(b, evidence(audits));
        assertThat(b.toString()).contains("""
                <table class="matrix"><thead><tr><th>host</th><th>php &gt;=8.2</th><th>node 20.*</th></tr></thead>
                <tbody>
                <tr><td>prod/a</td><td class="ok">passed 8.3.6</td><td class="bad">failed 18.20.4</td></tr>
                <tr><td>prod/b</td><td class="bad">UNREACHABLE</td><td class="bad">UNREACHABLE</td></tr>
                <tr><td>prod/c</td><td class="muted">-</td><td class="warn">waived 18.1</td></tr>
                </tbody></table>
                <ul><li>prod/a: node 20.*: too old</li><li>prod/b unreachable: ssh: connection refused</li></ul>
                """, """
                <h3>staging <span class="bad">failed</span> <span class="muted"><a href="#e3">#3</a> 2026-11-20T09:00:00Z</span></h3>
                <p>2 host(s), 1 failure(s)</p>
                """);
    }
}
