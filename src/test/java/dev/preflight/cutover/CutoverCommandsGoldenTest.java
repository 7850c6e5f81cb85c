package dev.preflight.cutover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.core.Secrets;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.Ledgers;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import dev.preflight.testing.CliRun;
import dev.preflight.testing.Golden;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins what {@code cutover plan|status|start|resume|switch|monitor|failback|contract} print, in
 * text and JSON, against golden files, on a fixed clock. What varies from run to run (the temp
 * directory, ports, the cutover id, measured milliseconds) is replaced by placeholders first.
 */
class CutoverCommandsGoldenTest {
    @TempDir
    Path dir;

    GoldenCutover f;
    CutoverCli cli;

    @BeforeEach
    void up() throws Exception {
        f = GoldenCutover.alerting(dir, false);
        cli = f.cli;
    }

    @AfterEach
    void down() {
        f.close();
    }

    /** The run's output with what differs between runs replaced, stdout then (if any) stderr, then the exit code. */
    private String normal(CliRun r) {
        String s = r.out() + (r.err().isEmpty() ? "" : "--- stderr\n" + r.err()) + "--- exit " + r.code() + "\n";
        return f.placeholders(s)
                .replaceAll("begun \\([0-9a-f]{8}\\)", "begun (<ID>)")
                .replaceAll(" +\\d+ ms  ", "  <N> ms  ")
                .replaceAll("\\((\\d+) ms\\)", "(<N> ms)")
                .replaceAll("(took|in) \\d+ ms", "$1 <N> ms")
                .replaceAll("\\| \\d+ ms \\|", "| <N> ms |")
                .replaceAll("\"(elapsed_ms|latency_ms|failback_ms|p95_ms)\" : \\d+", "\"$1\" : <N>")
                .replaceAll("pid \\d+", "pid <PID>");
    }

    private void golden(String name, CliRun r) {
        Golden.exact().check("cutover-commands/" + name, normal(r));
    }

    private void backup() {
        try (Ledger l = Ledgers.open(null, dir, Secrets.none(), "test@host", cli.clock)) {
            l.append(NewEntry.of("backup", "academy-db", Outcome.PASSED, "dump verified", Map.of("origin", "mysql://127.0.0.1:3306/academy")));
        }
    }

    @Test
    void planAndAFreshStatus() {
        golden("plan.txt", cli.run("cutover", "plan"));
        golden("plan.json", cli.run("--format", "json", "cutover", "plan"));
        golden("plan.md", cli.run("--format", "markdown", "cutover", "plan"));
        golden("status-none.txt", cli.run("cutover", "status"));
        golden("status-none.json", cli.run("--format", "json", "cutover", "status"));
        golden("start-dry-run.txt", cli.run("cutover", "start", "--dry-run"));
    }

    @Test
    void theForwardPathToContracted() throws Exception {
        golden("start-until-promoted.txt", cli.run("cutover", "start", "--until", "promoted"));
        golden("switch-dry-run.txt", cli.run("cutover", "switch", "--dry-run"));
        golden("switch.txt", cli.run("cutover", "switch"));
        golden("switch-again.txt", cli.run("cutover", "switch"));
        golden("resume-nothing.txt", cli.run("cutover", "resume"));
        golden("status-switched.txt", cli.run("cutover", "status"));
        golden("status-switched.json", cli.run("--format", "json", "cutover", "status"));
        golden("status-switched.md", cli.run("--format", "markdown", "cutover", "status"));
        golden("monitor-one-round.txt", cli.run("cutover", "monitor", "--rounds", "1"));
        golden("contract-early.txt", cli.run("cutover", "contract", "--yes"));
        cli.clock.advance(Duration.ofHours(25));
        golden("contract-no-backup.txt", cli.run("cutover", "contract", "--yes"));
        backup();
        golden("contract-unconfirmed.txt", cli.run("cutover", "contract"));
        golden("contract.txt", cli.run("cutover", "contract", "--yes"));
        golden("contract-again.txt", cli.run("cutover", "contract", "--yes"));
        golden("failback-refused.txt", cli.run("cutover", "failback"));
        golden("status-contracted.txt", cli.run("cutover", "status"));
        assertThat(dir.resolve("contracted")).exists();
    }

    @Test
    void monitorToStableThenFailback() {
        cli.run("cutover", "start");
        cli.clock.advance(Duration.ofHours(24));
        golden("monitor-stable.txt", cli.run("cutover", "monitor"));
        golden("monitor-again.txt", cli.run("cutover", "monitor"));
        golden("failback-dry-run.txt", cli.run("cutover", "failback", "--dry-run"));
        golden("failback.txt", cli.run("cutover", "failback"));
        golden("status-failed-back.txt", cli.run("cutover", "status"));
        golden("contract-after-failback.txt", cli.run("cutover", "contract", "--yes"));
    }

    @Test
    void aFailedSmokeSuiteThenABreach() {
        f.green.failSmoke.set(true);
        golden("start-smoke-fails.txt", cli.run("cutover", "start"));
        golden("status-smoke-failed.txt", cli.run("cutover", "status"));
        f.green.failSmoke.set(false);
        golden("resume.txt", cli.run("cutover", "resume"));
        f.green.failSmoke.set(true);
        golden("monitor-breach.txt", cli.run("cutover", "monitor", "--rounds", "1"));
        golden("start-in-progress.txt", cli.run("cutover", "start"));
    }

    /** New with the reshape: every acting command also answers in JSON (its progress then goes to stderr). */
    @Test
    void actingCommandsInJson() {
        golden("start-dry-run.json", cli.run("--format", "json", "cutover", "start", "--dry-run"));
        golden("start-until-promoted.json", cli.run("--format", "json", "cutover", "start", "--until", "promoted"));
        golden("resume.json", cli.run("--format", "json", "cutover", "resume"));
        golden("switch.json", cli.run("--format", "json", "cutover", "switch"));
        golden("monitor-one-round.json", cli.run("--format", "json", "cutover", "monitor", "--rounds", "1"));
        golden("contract-early.json", cli.run("--format", "json", "cutover", "contract", "--yes"));
        golden("failback.json", cli.run("--format", "json", "cutover", "failback"));
        golden("contract-after-failback.json", cli.run("--format", "json", "cutover", "contract", "--yes"));
        golden("start-markdown-refused.txt", cli.run("--format", "markdown", "cutover", "start"));
    }
}
