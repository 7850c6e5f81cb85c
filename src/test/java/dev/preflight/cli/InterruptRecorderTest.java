package dev.preflight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.core.Secrets;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerQuery;
import dev.preflight.ledger.Ledgers;
import dev.preflight.ledger.Outcome;
import dev.preflight.testing.MovableClock;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The interrupted-command record, with its hook run by hand (the real one runs at JVM shutdown: RestoreInterruptIT). */
class InterruptRecorderTest {
    @TempDir
    Path dir;

    private final MovableClock clock = new MovableClock(Instant.parse("2026-11-25T18:00:00Z"));

    private Ledger open() {
        return Ledgers.open(null, dir, Secrets.none(), "test@host", clock);
    }

    @Test
    void aCommandStoppedBeforeItClosedItsLedgerLeavesAFailedEntrySayingSo() {
        InterruptRecorder r = new InterruptRecorder(open(), "backup run", clock);
        clock.set(clock.instant().plusSeconds(42));

        r.interrupted();
        r.close();

        try (Ledger l = open()) {
            assertThat(l.query(LedgerQuery.kind(InterruptRecorder.KIND))).singleElement().satisfies(e -> {
                assertThat(e.subject()).isEqualTo("backup run");
                assertThat(e.outcome()).isEqualTo(Outcome.FAILED);
                assertThat(e.summary()).isEqualTo("'preflight backup run' was stopped by a signal after 42 s, "
                        + "before it finished: what it was doing is not done");
            });
        }
    }

    @Test
    void aCommandThatFinishedRecordsNothingEvenIfTheHookRunsLate() {
        InterruptRecorder r = new InterruptRecorder(open(), "restore-test", clock);
        r.close();
        r.interrupted();

        try (Ledger l = open()) {
            assertThat(l.query(LedgerQuery.kind(InterruptRecorder.KIND))).isEmpty();
        }
    }
}
