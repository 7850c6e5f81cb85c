package dev.preflight.cutover;

import dev.preflight.core.Json;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.LedgerQuery;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import dev.preflight.ledger.Ledger;
import dev.preflight.testing.Golden;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins the ledger payloads the cutover writes ({@code cutover-step}: begin, step attempts started,
 * completed and interrupted, monitor rounds, a refused contract; {@code failback-drill}) byte for
 * byte as the ledger stores them, so old ledgers keep reading (the history derives the state from
 * them) and new code writes what they held before. What varies between runs (ids, ports, the temp
 * directory, measured milliseconds) is replaced by placeholders.
 */
class CutoverPayloadGoldenTest {
    @TempDir
    Path dir;

    GoldenCutover f;
    CutoverCli cli;

    @BeforeEach
    void up() throws Exception {
        f = GoldenCutover.alerting(dir, true);
        cli = f.cli;
    }

    @AfterEach
    void down() {
        f.close();
    }

    /** Each payload of the cutover's kinds as stored, one line per entry, in ledger order. */
    private String payloads() {
        List<String> lines = new ArrayList<>();
        try (Ledger l = cli.ledger()) {
            for (LedgerEntry e : l.query(LedgerQuery.all())) {
                if (e.kind().equals(CutoverEvidence.STEP) || e.kind().equals(CutoverEvidence.FAILBACK_DRILL)) {
                    lines.add(e.kind() + " " + e.outcome().label() + " " + e.payload());
                }
            }
        }
        return f.placeholders(String.join("\n", lines))
                .replaceAll("\"(elapsed_ms|latency_ms|failback_ms|p95_ms)\":\\d+", "\"$1\":<N>")
                .replaceAll("in \\d+ ms", "in <N> ms") + "\n";
    }

    /** The payloads as the factories build them, before any caller adds details. */
    @Test
    void theFactoriesWriteWhatTheyWroteBefore() {
        List<CutoverEvidence.MonitorRow> rows = List.of(
                new CutoverEvidence.Sampled("green smoke", 0.5, 12L, 3),
                new CutoverEvidence.Ran("true", 0));
        String s = String.join("\n",
                Json.canonical(CutoverEvidence.begin("c-1", CutoverState.SWITCHED, "academy-blue", "academy-green", "academy")),
                Json.canonical(CutoverEvidence.attempt("c-1", Step.PREPARE, 1, CutoverEvidence.STARTED)),
                Json.canonical(CutoverEvidence.attempt("c-1", Step.EXPAND, 2, CutoverEvidence.COMPLETED)),
                Json.canonical(CutoverEvidence.attempt("c-1", Step.SWITCH, 1, CutoverEvidence.INTERRUPTED)),
                Json.canonical(CutoverEvidence.round("c-1", true, rows)),
                Json.canonical(CutoverEvidence.round("c-1", false, List.of())),
                Json.canonical(CutoverEvidence.refused("c-1", "no fresh backup"))) + "\n";
        Golden.exact().check("cutover/ledger-payloads-factories.txt", s);
    }

    @Test
    void theForwardPathToContracted() {
        cli.run("cutover", "start", "--until", "promoted");
        cli.run("cutover", "switch");
        cli.run("cutover", "monitor", "--rounds", "1");
        cli.run("cutover", "contract", "--yes");
        cli.clock.advance(Duration.ofHours(25));
        try (Ledger l = cli.ledger()) {
            l.append(NewEntry.of("backup", "academy-db", Outcome.PASSED, "dump verified", Map.of("origin", "mysql://127.0.0.1:3306/academy")));
        }
        cli.run("cutover", "monitor");
        cli.run("cutover", "contract", "--yes");
        Golden.exact().check("cutover/ledger-payloads-forward.txt", payloads());
    }

    @Test
    void aBreachThenFailback() {
        f.green.failSmoke.set(true);
        cli.run("cutover", "start");
        f.green.failSmoke.set(false);
        cli.run("cutover", "resume");
        f.green.failSmoke.set(true);
        cli.run("cutover", "monitor", "--rounds", "1");
        cli.run("cutover", "failback");
        Golden.exact().check("cutover/ledger-payloads-failback.txt", payloads());
    }
}
