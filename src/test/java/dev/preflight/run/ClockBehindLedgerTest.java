package dev.preflight.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.core.Secrets;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.Ledgers;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import dev.preflight.testing.MovableClock;
import dev.preflight.testing.PgDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two bastions on one ledger (a SQLite file, a PostgreSQL database), one of them with its clock set
 * ten days back: {@link Freshness#entryAfter} finds the other's entry from the wrong clock, whatever
 * that clock appended since, and only beyond the clock tolerance, to the millisecond.
 */
class ClockBehindLedgerTest {
    private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aBastionBehindTheOtherFindsTheLaterEntryOnEitherStore(String store) throws Exception {
        try (PgDatabase pg = store.equals("postgresql") ? new PgDatabase() : null) {
            String url = pg != null ? pg.url() : "sqlite:" + dir.resolve("ledger.db");
            MovableClock rightClock = new MovableClock(T0.plus(Duration.ofDays(10)));
            MovableClock setBack = new MovableClock(T0);
            try (Ledger right = Ledgers.open(url, Files.createDirectories(dir.resolve("a")), Secrets.none(), "ops@a",
                    rightClock);
                 Ledger behind = Ledgers.open(url, Files.createDirectories(dir.resolve("b")), Secrets.none(), "ops@b",
                         setBack)) {
                behind.append(NewEntry.of("audit", "production", Outcome.PASSED, "audit passed", Map.of()));
                assertThat(Freshness.entryAfter(behind, T0)).isEmpty();

                LedgerEntry later = right.append(NewEntry.of("readiness", "academy", Outcome.FAILED, "NO-GO", Map.of()));
                // The wrong clock appends again: its entry is the head now, and changes nothing.
                behind.append(NewEntry.of("audit", "production", Outcome.PASSED, "audit passed", Map.of()));
                assertThat(behind.head().orElseThrow().actor()).isEqualTo("ops@b");
                assertThat(Freshness.entryAfter(behind, T0)).map(LedgerEntry::seq).contains(later.seq());
                assertThat(Freshness.behind(later, T0)).isEqualTo("this machine's clock (2026-11-24T10:00:00Z) is "
                        + "behind the ledger: entry #" + later.seq() + " (readiness academy) was recorded at "
                        + "2026-12-04T10:00:00Z by ops@a, 10 days later, so no evidence age can be judged (check this "
                        + "machine's clock and that of ops@a)");

                // Exactly the tolerance behind is within it; a millisecond more is not.
                Instant edge = later.time().minus(Freshness.CLOCK_TOLERANCE);
                assertThat(Freshness.entryAfter(behind, edge)).isEmpty();
                assertThat(Freshness.entryAfter(behind, edge.minusMillis(1))).isPresent();
                assertThat(Freshness.entryAfter(right, rightClock.instant())).isEmpty();
            }
        }
    }
}
