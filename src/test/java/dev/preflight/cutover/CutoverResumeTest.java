package dev.preflight.cutover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.core.Json;
import dev.preflight.core.Secrets;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.Ledgers;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import dev.preflight.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tool killed mid-step (a child JVM running {@code cutover start}, destroyed while a step
 * waits on green), then {@code resume}: the run completes and the ledger shows both attempts. While
 * the child lives, a second cutover of the same environment exits 3 naming it.
 */
class CutoverResumeTest {
    @TempDir
    Path dir;

    ColourServer blue;
    ColourServer green;
    CutoverCli cli;

    @BeforeEach
    void up() throws Exception {
        blue = new ColourServer("blue");
        green = new ColourServer("green");
        cli = new CutoverCli(dir);
        cli.plan(CutoverCli.section(blue, green, "b1", "g1", CommandLb.section(dir), ""));
    }

    @AfterEach
    void down() {
        blue.close();
        green.close();
    }

    @Test
    void aCutoverStartedToAnEarlierStateGoesFurtherWithResumeUntil() throws Exception {
        assertThat(cli.run("cutover", "start", "--until", "green-prepared").code()).isZero();
        // before resume --until, this cutover could go nowhere: resume stopped at its target, start and
        // switch were refused (found by the rehearsal's replica-lag drill, issue 18)
        CliRun again = cli.run("cutover", "resume");
        assertThat(again.code()).isZero();
        assertThat(again.out()).contains("nothing to resume: the cutover of staging is green-prepared (its run was to "
                + "green-prepared; 'cutover resume --until STATE' goes further)");
        assertThat(CommandLb.active(dir)).isNotEqualTo("green");

        CliRun bad = cli.run("cutover", "resume", "--until", "stable");
        assertThat(bad.code()).isEqualTo(2);
        CliRun on = cli.run("cutover", "resume", "--until", "switched");
        assertThat(on.code()).as(on.all()).isZero();
        assertThat(on.out()).contains("cutover of staging is switched");
        assertThat(CommandLb.active(dir)).isEqualTo("green");
    }

    @Test
    void killedMidStepThenResumeCompletesAndTheLedgerShowsBothAttempts() throws Exception {
        CountDownLatch hold = new CountDownLatch(1);
        green.holdHealth.set(hold);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.preflight.cli.Main",
                "--plan", dir.resolve("preflight.yaml").toString(), "cutover", "start")
                .redirectErrorStream(true).redirectOutput(dir.resolve("child.out").toFile()).start();
        try {
            boolean started = false;
            for (int i = 0; i < 600 && !started && child.isAlive(); i++) {
                Thread.sleep(100);
                started = Files.exists(dir.resolve(".preflight/ledger.db")) && cli.entries(CutoverHistory.KIND).stream()
                        .anyMatch(e -> e.summary().startsWith("prepare attempt 1 started"));
            }
            assertThat(started).as(Files.readString(dir.resolve("child.out"))).isTrue();

            CliRun second = cli.run("cutover", "start");
            assertThat(second.code()).isEqualTo(3);
            assertThat(second.err()).containsPattern("another cutover of staging is running: \\S+@\\S+ pid "
                    + child.pid() + " since \\S+ \\(preflight cutover start\\)");
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        green.holdHealth.set(null);
        hold.countDown();

        CliRun st = cli.run("cutover", "status");
        assertThat(st.code()).as(st.all()).isZero();
        assertThat(st.out()).contains("Cutover of staging: planned", "prepare   #1  started",
                "prepare (attempt 1 was interrupted: 'cutover resume' runs it again)");

        CliRun r = cli.run("cutover", "resume");
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(r.out()).contains("prepare: attempt 1 was interrupted; running it again", "prepare: attempt 2 ...",
                "prepare: PASSED", "switch: PASSED", "cutover of staging is switched");
        assertThat(CommandLb.active(dir)).isEqualTo("green");

        List<String> log = cli.entries(CutoverHistory.KIND).stream().map(LedgerEntry::summary).toList();
        assertThat(log).filteredOn(s -> s.startsWith("prepare attempt")).satisfiesExactly(
                s -> assertThat(s).startsWith("prepare attempt 1 started"),
                s -> assertThat(s).startsWith("prepare attempt 1 started at").endsWith("never completed (the tool stopped)"),
                s -> assertThat(s).startsWith("prepare attempt 2 started"),
                s -> assertThat(s).startsWith("prepare attempt 2: 1 green health check(s) passed"));
        CliRun after = cli.run("cutover", "status");
        assertThat(after.out()).contains("Cutover of staging: switched", "prepare   #1  interrupted",
                "prepare   #2  passed", "failback       possible");
        // Nothing left to resume; a second start is refused while this cutover is in progress.
        assertThat(cli.run("cutover", "resume").out()).contains("nothing to resume: the cutover of staging is switched");
        CliRun again = cli.run("cutover", "start");
        assertThat(again.code()).isEqualTo(3);
        assertThat(again.err()).contains("a cutover of staging is already in progress (state switched");
    }

    @Test
    void dryRunPrintsEveryActionAndTouchesNothing() throws Exception {
        CliRun r = cli.run("cutover", "start", "--dry-run");
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(r.out()).contains("[dry-run] would begin cutover of staging (to switched)", "[dry-run] prepare (attempt 1):",
                "[dry-run]   GET " + green.url("/health"), "[dry-run] switch (attempt 1):",
                "[dry-run]     run " + dir.resolve("lb-set.sh") + " green", "nothing was changed and nothing was recorded");
        assertThat(CommandLb.active(dir)).isEqualTo("blue");
        assertThat(Files.exists(dir.resolve(".preflight/ledger.db"))
                ? cli.entries(CutoverHistory.KIND) : List.of()).isEmpty();
        assertThat(cli.run("cutover", "status").out()).contains("none started");
    }

    @Test
    void failbackIsRefusedBeforeTheSwitch() throws Exception {
        CliRun none = cli.run("cutover", "failback");
        assertThat(none.code()).isEqualTo(3);
        assertThat(none.err()).contains("nothing to fail back: no cutover of staging has begun (start one with "
                + "'preflight cutover start')").doesNotContain("is none", "still on blue");
        assertThat(cli.run("cutover", "start", "--until", "promoted").code()).isZero();
        CliRun fb = cli.run("cutover", "failback");
        assertThat(fb.code()).isEqualTo(3);
        assertThat(fb.err()).contains("nothing to fail back: the cutover of staging is promoted and traffic is still on blue");
        CliRun sw = cli.run("cutover", "switch");
        assertThat(sw.code()).as(sw.all()).isZero();
        assertThat(CommandLb.active(dir)).isEqualTo("green");
        assertThat(cli.run("cutover", "switch").out()).contains("already switched");
        CliRun dry = cli.run("cutover", "failback", "--dry-run");
        assertThat(dry.code()).isZero();
        assertThat(dry.out()).contains("[dry-run] failback (attempt 1):", "[dry-run]   run " + dir.resolve("lb-set.sh") + " blue",
                "[dry-run]   record the elapsed time against failback_bound 5m");
        assertThat(CommandLb.active(dir)).isEqualTo("green");
        assertThat(cli.run("cutover", "status").out()).contains("Cutover of staging: switched");
    }

    @Test
    void aContractKilledMidwayIsNeverRerunByResumeOnlyByContractItself() throws Exception {
        // The commands in this JVM run two days ago; the child JVM runs now, after the stable window.
        Instant now = Instant.now();
        cli = new CutoverCli(dir, now.minus(Duration.ofHours(48)));
        Path slow = dir.resolve("slow");
        Files.writeString(slow, "");
        Path contract = CommandLb.script(dir, "contract.sh", "if [ -e '" + slow + "' ]; then sleep 60; fi; echo ran >> '"
                + dir.resolve("contract.log") + "'");
        cli.plan(CutoverCli.section(blue, green, "b1", "g1", CommandLb.section(dir), "  stable: {max_gap: 2d}\n  contract: {command: ["
                + contract + "]}\n" + CutoverCli.DATABASE_BACKUPS));
        assertThat(cli.run("cutover", "start").code()).isZero();
        cli.clock.advance(Duration.ofHours(47));
        assertThat(cli.run("cutover", "monitor").code()).isZero();
        try (Ledger l = Ledgers.open(null, dir, Secrets.none(), "t@h", cli.clock)) {
            l.append(NewEntry.of("backup", "academy-db", Outcome.PASSED, "dump verified", Map.of("origin", "mysql://127.0.0.1:3306/academy")));
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.preflight.cli.Main",
                "--plan", dir.resolve("preflight.yaml").toString(), "cutover", "contract", "--yes")
                .redirectErrorStream(true).redirectOutput(dir.resolve("child.out").toFile()).start();
        try {
            boolean started = false;
            for (int i = 0; i < 600 && !started && child.isAlive(); i++) {
                Thread.sleep(100);
                started = cli.entries(CutoverHistory.KIND).stream()
                        .anyMatch(e -> e.summary().startsWith("contract attempt 1 started"));
            }
            assertThat(started).as(Files.readString(dir.resolve("child.out"))).isTrue();
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        Files.delete(slow);
        cli.clock.advance(Duration.ofHours(1));
        CliRun st = cli.run("cutover", "status");
        assertThat(st.out()).contains("contract  #1  started", "failback       no longer possible");
        CliRun r = cli.run("cutover", "resume");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).contains("contract attempt 1 of staging was interrupted; resume does not run the point of no return",
                "run 'preflight cutover contract --yes'");
        assertThat(cli.run("cutover", "failback").code()).isEqualTo(3);
        CliRun c = cli.run("cutover", "contract", "--yes");
        assertThat(c.code()).as(c.all()).isZero();
        assertThat(c.out()).contains("contract: attempt 1 was interrupted; running it again", "contract: PASSED");
        assertThat(Files.readAllLines(dir.resolve("contract.log"))).containsExactly("ran");
        assertThat(cli.run("cutover", "status").out()).contains("Cutover of staging: contracted", "contract  #1  interrupted",
                "contract  #2  passed");
    }

    @Test
    void statusComesAsJsonAndMarkdown() throws Exception {
        assertThat(cli.run("cutover", "start").code()).isZero();
        CliRun j = cli.run("--format", "json", "cutover", "status");
        assertThat(j.code()).isZero();
        var json = Json.parse(j.out());
        assertThat(json.path("state").asText()).isEqualTo("switched");
        assertThat(json.path("next").asText()).isEqualTo("stable");
        assertThat(json.path("failback_possible").asBoolean()).isTrue();
        assertThat(json.path("stable_window_ends").asText()).isEqualTo("2027-01-10T01:00:00Z");
        assertThat(json.path("attempts")).hasSize(4);
        CliRun md = cli.run("--format", "markdown", "cutover", "status");
        assertThat(md.out()).contains("# Cutover of staging: switched", "| switch | 1 | passed |");
        assertThat(cli.run("--format", "junit", "cutover", "status").code()).isEqualTo(2);
    }

    @Test
    void aFailingWorkersCheckStopsPrepare() throws Exception {
        Path workers = CommandLb.script(dir, "workers.sh", "echo 'horizon is inactive' >&2; exit 1");
        String plan = Files.readString(dir.resolve("preflight.yaml"));
        Files.writeString(dir.resolve("preflight.yaml"), plan + "  prepare: {workers: [" + workers + "]}\n");
        CliRun r = cli.run("cutover", "start");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("prepare: FAILED - workers check " + workers + " failed (exit 1): horizon is inactive",
                "cutover of staging stopped in state planned");
        assertThat(CommandLb.active(dir)).isEqualTo("blue");
        CliRun st = cli.run("cutover", "status");
        assertThat(st.code()).isEqualTo(1);
        assertThat(st.out()).contains("prepare   #1  failed");
    }
}
