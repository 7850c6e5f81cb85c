package dev.preflight.backup;

import dev.preflight.core.Json;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.LedgerQuery;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.Ledgers;
import dev.preflight.core.Secrets;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import dev.preflight.testing.CliRun;
import dev.preflight.testing.MovableClock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Drives {@code preflight} in-process for one test directory, with a clock the test moves. */
final class BackupCliHarness {
    final Path dir;
    final MovableClock clock;

    BackupCliHarness(Path dir, Instant start) {
        this.dir = dir;
        this.clock = new MovableClock(start);
    }

    CliRun run(String... args) {
        return CliRun.of(dir, Map.of(), clock, args);
    }

    /** Entries of one kind from the plan's default ledger, oldest first. */
    List<LedgerEntry> entries(String kind) {
        try (Ledger l = Ledgers.open(null, dir, Secrets.none(), "test@host", clock)) {
            return l.query(LedgerQuery.kind(kind));
        }
    }

    static JsonNode payload(LedgerEntry e) {
        return Json.parse(e.payload());
    }

}
