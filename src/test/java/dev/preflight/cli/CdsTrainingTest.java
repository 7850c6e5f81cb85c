package dev.preflight.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.preflight.audit.AuditEvidence;
import dev.preflight.audit.AuditReport;
import dev.preflight.core.Json;
import dev.preflight.core.Secrets;
import dev.preflight.ledger.EvidenceKind;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.LedgerQuery;
import dev.preflight.ledger.Ledgers;
import dev.preflight.ledger.Outcome;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher's CDS training really runs its commands (a broken one would leave its classes out of the archive). */
class CdsTrainingTest {
    @TempDir
    Path dir;

    @Test
    void everyTrainingCommandRunsToAVerdictAndRecordsWhatItDid() throws Exception {
        List<Integer> codes = CdsTraining.train(Path.of("").toAbsolutePath(), dir);

        // 0 passed, 1 checks failed (the academy plan's risks and readiness are NO-GO on this machine):
        // both are verdicts. 2 (usage), 3 and 4, or an exception (-1), would mean a command never ran.
        // The last, the audit over SSH, is incomplete (3): its host answers every command as unknown.
        assertThat(codes).hasSize(11);
        assertThat(codes.subList(0, 10)).allSatisfy(c -> assertThat(c).isBetween(0, 1));
        assertThat(codes.get(10)).isEqualTo(3);
        try (Ledger l = Ledgers.open("sqlite:" + dir.resolve("ledger.db"), dir, Secrets.none(), "t", Clock.systemUTC())) {
            // Two local audits and one over SSH, whose hosts answered (every command unknown there).
            assertThat(l.query(LedgerQuery.kind("audit"))).hasSize(3);
            LedgerEntry fleet = l.latest("audit", "fleet").orElseThrow();
            String attachment = fleet.artifacts().get(0).location().substring("ledger:".length());
            try (InputStream in = l.openAttachment(attachment).orElseThrow()) {
                AuditReport.Doc doc = AuditEvidence.report(Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
                // Both hosts were reached over SSH (key exchange, host key, key authentication, exec).
                assertThat(doc.hosts()).hasSize(2).allSatisfy(h -> {
                    assertThat(h.unreachable()).isNull();
                    assertThat(h.checks()).hasSize(2);
                });
            }
            // The backup and the restore test ran as far as the server that is not there, and failed.
            assertThat(l.query(LedgerQuery.kind(EvidenceKind.BACKUP.id()))).singleElement()
                    .satisfies(e -> assertThat(e.outcome()).isEqualTo(Outcome.FAILED));
            assertThat(l.query(LedgerQuery.kind(EvidenceKind.RESTORE_TEST.id()))).singleElement()
                    .satisfies(e -> assertThat(e.outcome()).isEqualTo(Outcome.FAILED));
        }
    }

    /**
     * The groups the launcher trains a cache of their own for run their commands: the version twice;
     * the audits (two local ones and one over SSH, which is incomplete: its host answers every
     * command as unknown); the backup plan's four runs, whose ledger gets no audit.
     */
    @Test
    void theGroupsRunTheirCommandsAndAnUnknownGroupIsRefused() throws Exception {
        Path root = Path.of("").toAbsolutePath();
        assertThat(CdsTraining.train(root, Files.createDirectories(dir.resolve("lite")), "lite")).containsExactly(0, 0);
        Path audit = Files.createDirectories(dir.resolve("audit"));
        List<Integer> codes = CdsTraining.train(root, audit, "audit");
        assertThat(codes).hasSize(3);
        assertThat(codes.subList(0, 2)).allSatisfy(c -> assertThat(c).isBetween(0, 1));
        assertThat(codes.get(2)).isEqualTo(3);
        try (Ledger l = Ledgers.open("sqlite:" + audit.resolve("ledger.db"), audit, Secrets.none(), "t", Clock.systemUTC())) {
            assertThat(l.query(LedgerQuery.kind("audit"))).hasSize(3);
        }
        Path backup = Files.createDirectories(dir.resolve("backup"));
        // The backup plan's runs only: the failed backup and restore test, then list and prune.
        List<Integer> backups = CdsTraining.train(root, backup, CdsTraining.BACKUP);
        assertThat(backups).hasSize(4).allSatisfy(c -> assertThat(c).isBetween(0, 1));
        assertThat(backups.get(0)).as("the backup of a server that is not there fails").isEqualTo(1);
        try (Ledger l = Ledgers.open("sqlite:" + backup.resolve("ledger.db"), backup, Secrets.none(), "t", Clock.systemUTC())) {
            assertThat(l.query(LedgerQuery.kind("audit"))).isEmpty();
            assertThat(l.query(LedgerQuery.kind(EvidenceKind.RESTORE_TEST.id()))).singleElement()
                    .satisfies(e -> assertThat(e.outcome()).isEqualTo(Outcome.FAILED));
        }
        assertThat(CdsTraining.GROUPS).containsExactly("lite", "audit", "backup");
        assertThatThrownBy(() -> CdsTraining.train(root, dir, "nonsense")).isInstanceOf(IllegalArgumentException.class);
    }
}
