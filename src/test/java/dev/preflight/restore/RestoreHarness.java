package dev.preflight.restore;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.core.Json;
import dev.preflight.core.Secrets;
import dev.preflight.exec.LocalProcessRunner;
import dev.preflight.exec.ProcessResult;
import dev.preflight.exec.ProcessSpec;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.LedgerQuery;
import dev.preflight.ledger.Ledgers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import dev.preflight.testing.CliRun;
import dev.preflight.testing.MovableClock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Drives {@code preflight} in-process in one test directory, with a clock the test moves. */
final class RestoreHarness {
    final Path dir;
    final MovableClock clock;

    RestoreHarness(Path dir, Instant start) {
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

    /** Runs SQL on the local MariaDB as root; the output (tab-separated, no column names). */
    static String sql(String script) throws Exception {
        try (LocalProcessRunner r = new LocalProcessRunner(Secrets.none())) {
            ProcessResult res = r.run(ProcessSpec.of("mariadb", "-uroot", "-h127.0.0.1", "--batch",
                    "--skip-column-names").withStdin(out -> out.write(script.getBytes(StandardCharsets.UTF_8))));
            if (res.exitCode() != 0) {
                throw new IllegalStateException("mariadb failed: " + res.stderr());
            }
            return res.stdout();
        }
    }

    /** Databases whose name starts with the prefix. */
    static List<String> databases(String prefix) throws Exception {
        return sql("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE '"
                + prefix.replace("_", "\\_") + "%'").lines().filter(l -> !l.isBlank()).toList();
    }

}
