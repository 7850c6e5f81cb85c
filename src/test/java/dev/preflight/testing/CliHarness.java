package dev.preflight.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.core.Json;
import dev.preflight.core.Secrets;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.LedgerQuery;
import dev.preflight.ledger.Ledgers;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Drives {@code preflight} in-process in one test directory, with a clock the test moves, and reads its ledger. */
public class CliHarness {
    public final Path dir;
    public final MovableClock clock;

    public CliHarness(Path dir, Instant start) {
        this.dir = dir;
        this.clock = new MovableClock(start);
    }

    public CliRun run(String... args) {
        return CliRun.of(dir, Map.of(), clock, args);
    }

    /** Entries of one kind from the plan's default ledger, oldest first. */
    public List<LedgerEntry> entries(String kind) {
        try (Ledger l = Ledgers.open(null, dir, Secrets.none(), "test@host", clock)) {
            return l.query(LedgerQuery.kind(kind));
        }
    }

    public static JsonNode payload(LedgerEntry e) {
        return Json.parse(e.payload());
    }
}
