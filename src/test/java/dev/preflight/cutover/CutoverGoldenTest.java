package dev.preflight.cutover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.ledger.Ledgers;
import dev.preflight.testing.CliRun;
import dev.preflight.testing.Golden;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins what each cutover command prints today (text only, as the service prints it; status in
 * JSON too), through one cutover on in-process blue and green backends and a command load
 * balancer: dry run, start to promoted, status, switch, monitor rounds, failback, a refused
 * contract. Normalised: the temp directory, the backends' ports, the actor, the cutover's random
 * id (numbered) and measured times (milliseconds, seconds), which depend on the machine.
 */
class CutoverGoldenTest {
    @TempDir
    Path dir;
    GoldenCutover f;
    CutoverCli cli;

    @BeforeEach
    void up() throws Exception {
        f = GoldenCutover.start(dir, g -> "  stable: {window: 10m, interval: 1m, policy: alert, checks: [{name: home, url: \""
                + g.green.url("/") + "\", samples: 3}]}\n  contract: {command: [\"true\"]}\n");
        cli = f.cli;
    }

    @AfterEach
    void down() {
        f.close();
    }

    private Golden golden() {
        return Golden.exact()
                .replacing(dir.toString(), "<dir>")
                .replacing(f.blue.url(""), "<blue>")
                .replacing(f.green.url(""), "<green>")
                .replacing(Ledgers.defaultActor(), "<actor>")
                .replacingRegex("pid [0-9]+", "pid <pid>")
                // Measured times; the padding before them too, since columns widen with the digits.
                // ("within 5000 ms" is the plan's limit, not a measurement: kept.)
                .replacingRegex("(?<!within) +[0-9]+(\\.[0-9]+)? ?ms\\b", " <ms>")
                .replacingRegex("(?<!within )\\b[0-9]+(\\.[0-9]+)? ?ms\\b", "<ms>")
                .replacingRegex("\\b[0-9]+\\.[0-9]+ ?s\\b", "<s>")
                .numbering("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "uuid")
                .numbering("(?<![0-9a-f-])[0-9a-f]{8}(?![0-9a-f-])", "short-id")
                .replacingRegex("\"(p95_ms|elapsed_ms|duration_ms|ms)\" : [0-9.]+", "\"$1\" : <ms>");
    }

    private void check(String name, int code, String... args) {
        CliRun r = cli.run(args);
        assertThat(r.code()).as(String.join(" ", args) + "\n" + r.all()).isEqualTo(code);
        golden().check(name, r.err().isEmpty() ? r.out() : r.out() + "--- stderr ---\n" + r.err());
    }

    @Test
    void everyCommandsOutputIsPinned() throws Exception {
        check("cutover/start-dry-run.txt", 0, "cutover", "start", "--dry-run");
        check("cutover/start-until-promoted.txt", 0, "cutover", "start", "--until", "promoted");
        check("cutover/status-promoted.txt", 0, "cutover", "status");
        check("cutover/failback-refused.txt", 3, "cutover", "failback");
        cli.clock.advance(Duration.ofMinutes(1));
        check("cutover/switch.txt", 0, "cutover", "switch");
        check("cutover/switch-again.txt", 0, "cutover", "switch");
        check("cutover/resume-nothing.txt", 0, "cutover", "resume");
        cli.clock.advance(Duration.ofMinutes(1));
        check("cutover/monitor-round.txt", 0, "cutover", "monitor", "--rounds", "1");
        check("cutover/status-switched.txt", 0, "cutover", "status");
        check("cutover/status-switched.json", 0, "cutover", "status", "--format", "json");
        check("cutover/contract-refused.txt", 1, "cutover", "contract", "--yes");
        check("cutover/failback-dry-run.txt", 0, "cutover", "failback", "--dry-run");
        cli.clock.advance(Duration.ofMinutes(1));
        check("cutover/failback.txt", 0, "cutover", "failback");
        check("cutover/status-failed-back.txt", 0, "cutover", "status");
        check("cutover/status-failed-back.json", 0, "cutover", "status", "--format", "json");
    }
}
