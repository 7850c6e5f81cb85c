package dev.preflight.gates;

import static dev.preflight.gates.GateFixtures.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.ledger.Ledger;
import dev.preflight.plan.Plan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cab gate with the Markdown change-record provider: approval, publish, stale and missing evidence. */
class FileCabGateTest {
    @TempDir
    Path dir;

    private final Clock clock = at(Instant.parse("2027-01-06T10:00:00Z"));

    private Plan plan() throws Exception {
        Files.createDirectories(dir.resolve("docs/upgrade"));
        return GateFixtures.plan(dir, "cab: {provider: file, path: docs/upgrade/change-management.md}", Map.of());
    }

    private void record(String body) throws Exception {
        Files.createDirectories(dir.resolve("docs/upgrade"));
        Files.writeString(dir.resolve("docs/upgrade/change-management.md"), body);
    }

    private static final String APPROVED = """
            # Change ACAD-1234: Laravel 11 upgrade

            - [x] Backup evidence attached
            - [x] Compatibility report attached
            - [x] Runbook linked

            Approved-by: Dana Reyes (CAB chair), 2027-01-05
            """;

    private GateResult cab(Plan plan, Ledger l) {
        return new GatesCheck(new GatesContext(plan, l, clock, GatesDrivers.real(clock))).run().results().get(0);
    }

    @Test
    void approvedRecordWithPublishedEvidencePasses() throws Exception {
        record(APPROVED);
        Plan plan = plan();
        try (Ledger l = GateFixtures.ledger(dir, clock)) {
            GateFixtures.audit(l, "production", true, "{\"report\":1}");
            GateFixtures.backup(l, "academy-db", true);
            GateResult before = cab(plan, l);
            assertThat(before.passed()).isFalse();
            assertThat(before.reason()).contains("missing attachment preflight-audit-production.json");

            var pub = new GatesPublish(new GatesContext(plan, l, clock, GatesDrivers.real(clock))).run();
            assertThat(pub.attached()).extracting(ChangeTicket.Published::slot)
                    .containsExactly("audit-report", "backup-log", "runbook");
            String text = Files.readString(dir.resolve("docs/upgrade/change-management.md"));
            assertThat(text).contains("Approved-by: Dana Reyes", FileChangeRecord.BEGIN,
                    "change-management.evidence/preflight-audit-production.json", GateFixtures.RUNBOOK,
                    pub.attached().get(0).sha256());
            assertThat(dir.resolve("docs/upgrade/change-management.evidence/preflight-backup-log.md")).exists();

            GateResult after = cab(plan, l);
            assertThat(after.passed()).as(after.toString()).isTrue();
            assertThat(after.reason()).contains("approved and carries passing evidence within its max age");
            assertThat(after.details()).anyMatch(d -> d.startsWith("current: preflight-audit-production.json (")
                    && d.contains("= audit #1 of production at 2027-01-06T10:00:00Z"));
            // Publishing again replaces the block instead of appending a second one.
            new GatesPublish(new GatesContext(plan, l, clock, GatesDrivers.real(clock))).run();
            String again = Files.readString(dir.resolve("docs/upgrade/change-management.md"));
            assertThat(again.split(FileChangeRecord.BEGIN, -1)).hasSize(2);
        }
    }

    @Test
    void aNewerPassingAuditIsReportedButANewerFailingOneSupersedesThePublishedReport() throws Exception {
        record(APPROVED);
        Plan plan = plan();
        try (Ledger l = GateFixtures.ledger(dir, clock)) {
            GateFixtures.audit(l, "production", true, "{\"report\":1}");
            GateFixtures.backup(l, "academy-db", true);
            var pub = new GatesPublish(new GatesContext(plan, l, clock, GatesDrivers.real(clock))).run();
            // The nightly audit and backup pass again: the attached evidence still holds.
            var newer = GateFixtures.audit(l, "production", true, "{\"report\":2}");
            var nightly = GateFixtures.backup(l, "academy-db", true);
            GateResult r = cab(plan, l);
            assertThat(r.passed()).as(r.toString()).isTrue();
            assertThat(r.details()).anyMatch(d -> d.startsWith("newer evidence #" + newer.seq() + " exists (audit of production"))
                    .anyMatch(d -> d.startsWith("newer evidence #" + nightly.seq() + " exists (backup of academy-db"));
            // A newer failing audit of the same environment is what is known now: the report no longer vouches.
            var failing = GateFixtures.audit(l, "production", false, "{\"report\":3}");
            GateResult f = cab(plan, l);
            assertThat(f.passed()).isFalse();
            assertThat(f.reason()).startsWith("attachment preflight-audit-production.json (")
                    .contains("is audit #1 of production", "superseded by failing audit #" + failing.seq() + " of production",
                            "attached by gates publish #" + pub.seq());
        }
    }

    @Test
    void evidenceOlderThanItsMaxAgeAtTheWindowStartFails() throws Exception {
        record(APPROVED);
        Plan plan = plan();
        // Recorded 8 days before the window: fresh today, but 7d is the max age at the window start.
        Clock early = at(Instant.parse("2027-01-01T00:00:00Z"));
        try (Ledger l = GateFixtures.ledger(dir, early)) {
            GateFixtures.audit(l, "production", true, "{\"report\":1}");
            GateFixtures.backup(l, "academy-db", true);
            new GatesPublish(new GatesContext(plan, l, early, GatesDrivers.real(early))).run();
        }
        try (Ledger l = GateFixtures.ledger(dir, clock)) {
            GateResult r = cab(plan, l);
            assertThat(r.passed()).isFalse();
            assertThat(r.reason()).startsWith("attachment preflight-audit-production.json (")
                    .contains("is audit #1 of production at 2027-01-01T00:00:00Z, 193h old at the window start "
                            + "2027-01-09T01:00:00Z (max age 7d)");
        }
    }

    @Test
    void uncheckedItemsAndNoApproverFailTheGate() throws Exception {
        record("""
                - [x] Backup evidence attached
                - [ ] Runbook linked
                Approved-by:
                """);
        Plan plan = plan();
        try (Ledger l = GateFixtures.ledger(dir, clock)) {
            GateFixtures.audit(l, "production", true, "{}");
            GateFixtures.backup(l, "academy-db", true);
            new GatesPublish(new GatesContext(plan, l, clock, GatesDrivers.real(clock))).run();
            GateResult r = cab(plan, l);
            assertThat(r.passed()).isFalse();
            assertThat(r.reason()).contains("is not approved");
            assertThat(r.details()).contains("  checklist item not ticked: Runbook linked", "  no 'Approved-by: NAME' line");
        }
    }

    @Test
    void noBackupEvidenceAndAFailingAuditAreNamed() throws Exception {
        record(APPROVED);
        Plan plan = plan();
        try (Ledger l = GateFixtures.ledger(dir, clock)) {
            GateFixtures.audit(l, "production", false, "{}");
            GateResult r = cab(plan, l);
            assertThat(r.passed()).isFalse();
            assertThat(String.join("\n", r.details()))
                    .contains("missing attachment preflight-audit-production.json (audit report of production); the latest, "
                            + "#1, failed: run 'preflight audit --env production'")
                    .contains("missing attachment preflight-backup-log.md (backup log entry)");
            // The gate result is recorded in the ledger with the results in the payload.
            var e = l.latest(GatesEvidence.CHECK, "ACAD-1234").orElseThrow();
            assertThat(e.outcome().label()).isEqualTo("failed");
            assertThat(e.payload()).contains("\"name\":\"cab\"", "\"passed\":false");
            var last = GatesEvidence.lastCheck(l, null).orElseThrow();
            assertThat(last.entry().seq()).isEqualTo(e.seq());
            assertThat(last.results()).containsExactly(r);
        }
    }

    @Test
    void anEditedEvidenceCopyIsStale() throws Exception {
        record(APPROVED);
        Plan plan = plan();
        try (Ledger l = GateFixtures.ledger(dir, clock)) {
            GateFixtures.audit(l, "production", true, "{}");
            GateFixtures.backup(l, "academy-db", true);
            new GatesPublish(new GatesContext(plan, l, clock, GatesDrivers.real(clock))).run();
            Files.writeString(dir.resolve("docs/upgrade/change-management.evidence/preflight-backup-log.md"), "edited");
            GateResult r = cab(plan, l);
            assertThat(r.passed()).isFalse();
            assertThat(r.reason()).startsWith("attachment preflight-backup-log.md (").contains(
                    "was not attached by 'preflight gates publish' from a ledger entry (edited, foreign");
            assertThat(List.of(r.reason())).isNotEmpty();
        }
    }
}
