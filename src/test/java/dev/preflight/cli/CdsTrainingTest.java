package dev.preflight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.core.Secrets;
import dev.preflight.ledger.EvidenceKind;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerQuery;
import dev.preflight.ledger.Ledgers;
import dev.preflight.ledger.Outcome;
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
    void everyTrainingCommandRunsToAVerdictAndRecordsWhatItDid() {
        List<Integer> codes = CdsTraining.train(Path.of("").toAbsolutePath(), dir);

        // 0 passed, 1 checks failed (the academy plan's risks and readiness are NO-GO on this machine):
        // both are verdicts. 2 (usage), 3 and 4, or an exception (-1), would mean a command never ran.
        assertThat(codes).hasSize(10).allSatisfy(c -> assertThat(c).isBetween(0, 1));
        try (Ledger l = Ledgers.open("sqlite:" + dir.resolve("ledger.db"), dir, Secrets.none(), "t", Clock.systemUTC())) {
            assertThat(l.query(LedgerQuery.kind("audit"))).hasSize(2);
            // The backup and the restore test ran as far as the server that is not there, and failed.
            assertThat(l.query(LedgerQuery.kind(EvidenceKind.BACKUP.id()))).singleElement()
                    .satisfies(e -> assertThat(e.outcome()).isEqualTo(Outcome.FAILED));
            assertThat(l.query(LedgerQuery.kind(EvidenceKind.RESTORE_TEST.id()))).singleElement()
                    .satisfies(e -> assertThat(e.outcome()).isEqualTo(Outcome.FAILED));
        }
    }
}
